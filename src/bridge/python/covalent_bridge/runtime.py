"""What this interpreter has: `covalent` (imported once, here) and cloudpickle."""

import sys
import traceback

from . import auth
from .errors import BridgeError

covalent = None
covalent_import_error = None
try:
    import covalent
    from covalent._workflow.electron import Electron
    from covalent._workflow.lattice import Lattice

    try:
        import cloudpickle
    except ImportError:  # Covalent depends on it; be tolerant all the same.
        cloudpickle = None

    auth.install()  # each call's tokens on every request the SDK makes
except Exception:  # noqa: BLE001 - any failure means "covalent is not usable here"
    covalent = None
    covalent_import_error = traceback.format_exc()
    cloudpickle = None
    Electron = Lattice = None


def covalent_version():
    return getattr(covalent, "__version__", None) if covalent else None


def require_covalent():
    if covalent is None:
        raise BridgeError(
            "covalentMissing",
            "Covalent cannot be imported by %s." % sys.executable,
            traceback=covalent_import_error,
            executable=sys.executable,
        )


def is_lattice(value):
    return Lattice is not None and isinstance(value, Lattice)


def electron_of(value):
    """The Electron behind a name in a module, or None."""
    # @ct.electron returns a functools.wraps wrapper whose closure holds the Electron.
    if Electron is None:
        return None
    if isinstance(value, Electron):
        return value
    for cell in getattr(value, "__closure__", None) or ():
        try:
            if isinstance(cell.cell_contents, Electron):
                return cell.cell_contents
        except ValueError:
            continue
    return None


def is_electron_function(value):
    return electron_of(value) is not None


_UPLOAD_WORKERS = 8
_upload_workers = None


def warm_up():
    """Starts the upload threads now (a request's process, waiting for its request):
    threads do not survive a fork, and starting them under a dispatch costs it time."""
    if _upload_workers is None:
        return
    import time

    for future in [_upload_workers.submit(time.sleep, 0.005) for _ in range(_UPLOAD_WORKERS)]:
        future.result()


def _upload_assets_concurrently():
    """The SDK uploads a dispatch's assets (about 30 files for the seed workflow)
    one HTTP request after another. The bridge keeps the SDK's own per-asset
    upload and only sends those requests a few at a time in parallel."""
    try:
        from concurrent.futures import ThreadPoolExecutor

        from covalent._dispatcher_plugins import local as local_plugin

        sequential = local_plugin.LocalDispatcher._upload
        upload_one = local_plugin._upload_asset
    except (ImportError, AttributeError):
        return  # another SDK layout: keep its own upload
    global _upload_workers
    workers = _upload_workers = ThreadPoolExecutor(max_workers=_UPLOAD_WORKERS, thread_name_prefix="covalent-upload")

    def upload(assets):
        pending = [asset for asset in assets if asset.remote_uri and asset.uri]
        if len(pending) < 2:
            return sequential(assets)
        # Each upload carries the call's tokens and server address into its worker thread.
        for future in [workers.submit(auth.carried(upload_one), asset.uri, asset.remote_uri) for asset in pending]:
            future.result()  # re-raises the first failure, as the sequential upload would

    local_plugin.LocalDispatcher._upload = staticmethod(upload)


if covalent is not None:
    _upload_assets_concurrently()
