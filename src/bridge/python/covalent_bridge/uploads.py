"""A dispatch's asset uploads, sent by the bridge in place of the SDK's.

Covalent 0.240 uploads each asset with `FileTransfer(local, remote).cp()`: two
`File` objects (URL parsing, about 6 ms of CPU each time) and a `requests.put` on
a new connection (about 9 ms), one asset after another; a dispatch has about
seven assets a task. The bridge sends the same requests, to the same URLs (the
remote_uri the server answered the registration with), with the same body (the
file's bytes) and the same `Content-Length` header, over one keep-alive
connection pool shared by a few threads. Every request goes through `requests`,
so auth adds the call's token and routes file-store URLs through the call's
address, as it does for the SDK's own transfers.

What is uploaded is what the SDK uploads: every asset with a local file and a
remote URI. Assets the server copies itself (a redispatch's reused tasks) come
back with an empty remote_uri and are skipped, as the SDK skips them. Nothing
else is left out: the server runs a task from its `function`, `hooks` and its
parents' `output`, a redispatch compares parameters by the `value` digest, and the
SDK's `get_result` downloads every node asset whose size is above zero.
"""

import contextlib
import os
import threading

from . import auth, progress

WORKERS = 16

# Files this large are streamed from disk, as the SDK streams them; smaller ones are read whole.
STREAM_BYTES = 8 * 1024 * 1024

_FILE_SCHEME = "file://"

_state = None  # (pid, workers, session): one pool per process (threads and sockets do not survive a fork)
_state_lock = threading.Lock()
_settings_by_origin = {}

# The SDK's own `LocalDispatcher._upload`, before `install` replaced it.
sdk_upload = None

# While a dispatch is serialized (see staged_in_memory): the bytes of each asset file the
# SDK would have written, by path, until its upload.
_staged = None


def _retrying():
    """A dropped kept-alive connection is retried (a PUT replaces the file whole);
    a timeout is not: a stalled server fails within the call's request timeout."""
    from urllib3.exceptions import ReadTimeoutError
    from urllib3.util.retry import Retry

    class DroppedConnectionRetry(Retry):
        def increment(self, method=None, url=None, *args, error=None, **kwargs):
            retry = self.new(read=False) if isinstance(error, ReadTimeoutError) else self
            return Retry.increment(retry, method, url, *args, error=error, **kwargs)

    return DroppedConnectionRetry(total=2, connect=2, read=2, status=0, other=0, allowed_methods=frozenset({"PUT"}), raise_on_status=False)


def _pool():
    global _state
    with _state_lock:
        if _state is None or _state[0] != os.getpid():
            from concurrent.futures import ThreadPoolExecutor

            import requests
            from requests.adapters import HTTPAdapter

            session = requests.Session()
            # What `requests` reads from the environment (proxies, CA bundle, .netrc) is read
            # once per server (see _settings), not on every request.
            session.trust_env = False
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=WORKERS, max_retries=_retrying())
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            workers = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="covalent-upload")
            _state = (os.getpid(), workers, session)
        return _state


def warm_up():
    """Starts this process's upload threads now (a request's process, waiting for its
    request): starting them under a dispatch costs it time."""
    import time

    _, workers, _ = _pool()
    for future in [workers.submit(time.sleep, 0.005) for _ in range(WORKERS)]:
        future.result()


def local_path(uri):
    """The file an asset's local URI names, read as the SDK's own asset loader reads it."""
    return uri[len(_FILE_SCHEME) :] if uri.startswith(_FILE_SCHEME) else uri


def _settings(url):
    """What a plain `requests.put` takes from the environment for `url` (proxies,
    `REQUESTS_CA_BUNDLE`/`CURL_CA_BUNDLE`, a .netrc login), read once per origin:
    reading it walks the whole environment, a third of a small upload's CPU."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    origin = (parts.scheme, parts.netloc)
    settings = _settings_by_origin.get(origin)
    if settings is None:
        import requests
        from requests.utils import get_netrc_auth

        with requests.Session() as plain:
            settings = plain.merge_environment_settings(url, {}, None, None, None)
        settings["auth"] = get_netrc_auth(url)
        _settings_by_origin[origin] = settings
    return settings


def put(session, uri, remote_uri):
    """One asset: the file's bytes, with its `Content-Length`, as the SDK's HTTP transfer sends them."""
    path = local_path(uri)
    staged = _staged.get(path) if _staged is not None else None
    if staged is not None:
        _send(session, remote_uri, staged)
        return
    size = os.path.getsize(path)
    with open(path, "rb") as reader:
        _send(session, remote_uri, reader.read() if size < STREAM_BYTES else reader, size)


def _send(session, remote_uri, data, size=None):
    size = len(data) if size is None else size
    response = session.put(remote_uri, headers={"Content-Length": str(size)}, data=data, **_settings(auth.routed(remote_uri)))
    response.raise_for_status()


def _write_staged(path):
    """The file the SDK would have written, for code that reads it from disk."""
    data = _staged.get(path) if _staged is not None else None
    if data is not None and not os.path.exists(path):
        with open(path, "wb") as writer:
            writer.write(data)


@contextlib.contextmanager
def staged_in_memory():
    """For one dispatch or redispatch call: the SDK serializes each asset into its
    staging folder, one file each (seven a task), only for the upload to read it
    back. Here an asset's bytes stay in memory until its upload instead; the SDK
    still makes its folders, and the manifest names the same paths, digests and
    sizes (the same `serialize_asset` and sha1 as the SDK's `save_asset`). Assets
    of STREAM_BYTES or more are written to disk as the SDK writes them."""
    global _staged
    try:
        from pathlib import Path

        from covalent._serialize import common, electron, lattice, result

        modules = [module for module in (electron, lattice, result) if getattr(module, "save_asset", None) is common.save_asset]
        serialize, digest, algorithm, schema = common.serialize_asset, common._sha1_asset, common.CHECKSUM_ALGORITHM, common.AssetSchema
    except (ImportError, AttributeError):
        yield  # another SDK layout: its own files
        return
    sdk_save_asset = common.save_asset
    staged = {}

    def save_asset(data, data_type, storage_path, filename):
        if data is None:
            return schema(size=0)
        serialized = serialize(data, data_type)
        path = (Path(storage_path) / filename).resolve()
        if len(serialized) >= STREAM_BYTES:
            with open(path, "wb") as writer:
                writer.write(serialized)
        else:
            staged[str(path)] = serialized
        return schema(digest_alg=algorithm, digest=digest(serialized), size=len(serialized), uri="file://%s" % path)

    for module in modules:
        module.save_asset = save_asset
    _staged = staged
    try:
        yield
    finally:
        for module in modules:
            module.save_asset = sdk_save_asset
        _staged = None


def upload(assets, fallback):
    """Uploads `assets` (the SDK's AssetSchema objects, or anything with `uri` and
    `remote_uri`) a few at a time, reporting how many are up (see progress); the
    first failure is raised once the uploads under way have ended, the rest never
    start. A cancel from the editor stops them between two uploads (Cancelled). An
    asset whose local URI is not a file, or whose remote one is not HTTP, goes
    through `fallback` (the SDK's own transfer of one asset)."""
    from concurrent.futures import FIRST_EXCEPTION, wait

    pending = [asset for asset in assets if asset.remote_uri and asset.uri]
    if not pending:
        return
    _, workers, session = _pool()
    counted = progress.Uploads(len(pending))

    def send(asset):
        progress.check()
        if asset.uri.startswith(_FILE_SCHEME) and asset.remote_uri.startswith(("http://", "https://")):
            put(session, asset.uri, asset.remote_uri)
        else:
            _write_staged(local_path(asset.uri))
            fallback(asset.uri, asset.remote_uri)
        counted.add()

    # Each upload carries the call's tokens and server address into its worker thread.
    carried = auth.carried(send)
    futures = [workers.submit(carried, asset) for asset in pending]
    try:
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = next((future for future in futures if future in done and not future.cancelled() and future.exception() is not None), None)
        if failed is not None:
            for future in futures:
                future.cancel()
            wait(futures)  # nothing is sent after this returns (what follows may delete the dispatch)
            raise failed.exception()
    except BaseException:
        for future in futures:
            future.cancel()
        raise


def install():
    """The SDK's `LocalDispatcher._upload` (a dispatch's and a redispatch's assets) sends through `upload`."""
    global sdk_upload
    try:
        from covalent._dispatcher_plugins import local as local_plugin

        sdk_upload = local_plugin.LocalDispatcher._upload  # another SDK layout keeps its own upload
        fallback = local_plugin._upload_asset
    except (ImportError, AttributeError):
        return False
    local_plugin.LocalDispatcher._upload = staticmethod(lambda assets: upload(assets, fallback))
    return True
