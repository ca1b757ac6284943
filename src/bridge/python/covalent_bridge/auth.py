"""Each server's token on every request a bridge call makes to that server.

Covalent's SDK adds the headers of the environment variable COVALENT_EXTRA_HEADERS
to the requests of its API client only: its asset uploads and downloads (the HTTP
file-transfer strategy) and trigger registration are plain `requests` calls
without them, and one process-wide variable cannot hold a
token per server when one bridge serves several. So every `requests` call goes
through one wrapper of `requests.Session.request`, which adds the token of the
server a URL belongs to, for the bridge call the current thread serves (each call
runs in a thread of its own).

Asset URLs name the server as it knows itself (its `dispatcher.address`), which
behind a reverse proxy only its own machine reaches: transfers to its file store
(`/api/v0/files/...`) go to the address the call was given, like its other requests.
"""

import contextlib
import threading
from urllib.parse import urlsplit

from . import deadline, manifest_posts

# Where the Covalent server keeps workflow and task assets (its local object store).
FILES_PATH = "/api/v0/files/"

# A request's timeout when the editor gave none (the SDK sets none of its own).
DEFAULT_REQUEST_SECONDS = 30.0

_calls = threading.local()
_installed = False
_install_lock = threading.Lock()


class _Server:
    def __init__(self, address, token):
        parts = urlsplit(address.rstrip("/"))
        self.address = address.rstrip("/")
        self.origin = (parts.scheme.lower(), parts.netloc.lower())
        self.prefix = parts.path.rstrip("/")
        self.token = token

    def owns(self, url):
        parts = urlsplit(url)
        if (parts.scheme.lower(), parts.netloc.lower()) != self.origin:
            return False
        return not self.prefix or parts.path == self.prefix or parts.path.startswith(self.prefix + "/")


@contextlib.contextmanager
def server_tokens(params):
    """For the duration of one bridge call: its servers' tokens, and its main server for asset transfers."""
    tokens = params.get("tokens") or {}
    servers = [_Server(address, token) for address, token in tokens.items() if isinstance(address, str) and isinstance(token, str) and token]
    main = params.get("dispatcherAddress") or params.get("triggersServerAddress")
    previous = getattr(_calls, "context", None)
    _calls.context = (servers, _Server(main, None) if isinstance(main, str) and main else None, _request_seconds(params))
    try:
        yield
    finally:
        _calls.context = previous


def _request_seconds(params):
    """Each server request's timeout: the editor's `covalent.requestTimeoutMs` (a stalled server fails within it)."""
    try:
        seconds = float((params.get("limits") or {}).get("requestSeconds") or 0)
    except (TypeError, ValueError):
        seconds = 0
    return seconds if seconds > 0 else DEFAULT_REQUEST_SECONDS


def carried(function):
    """`function`, to run in a thread the current call starts, with the call's
    servers and tokens (they belong to the calling thread, and workers have none)."""
    context = getattr(_calls, "context", None)

    def run(*args, **kwargs):
        previous = getattr(_calls, "context", None)
        _calls.context = context
        try:
            return function(*args, **kwargs)
        finally:
            _calls.context = previous

    return run


def _route(url, main):
    """A transfer to a server's file store goes through the call's server address."""
    if main is None or main.owns(url):
        return url
    parts = urlsplit(url)
    if not parts.path.startswith(FILES_PATH):
        return url
    return main.address + parts.path + ("?" + parts.query if parts.query else "")


def routed(url):
    """The URL the current call sends a request for `url` to."""
    context = getattr(_calls, "context", None)
    return _route(url, context[1]) if context is not None else url


def prepare(method, url, headers):
    """The URL to use and the headers to send for one request of the current call."""
    context = getattr(_calls, "context", None)
    if context is None or not isinstance(url, str):
        return url, headers
    servers, main, _ = context
    url = _route(url, main)
    for server in servers:
        if server.owns(url):
            headers = dict(headers or {})
            headers["Authorization"] = "Bearer " + server.token
            break
    return url, headers


def timeout():
    """The current call's request timeout (seconds)."""
    context = getattr(_calls, "context", None)
    return context[2] if context is not None else DEFAULT_REQUEST_SECONDS


def install():
    """Wraps `requests.Session.request` once (every `requests` call goes through it)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        import requests

        original = requests.Session.request

        def request(self, method, url, *args, **kwargs):
            url, headers = prepare(method, url, kwargs.get("headers"))
            headers, request_seconds = manifest_posts.adjusted(method, url, headers, kwargs.get("data"), timeout())
            if headers is not None:
                kwargs["headers"] = headers
            if kwargs.get("timeout") is None:
                kwargs["timeout"] = request_seconds
            with deadline.paused():  # the build deadline does not count time the server takes
                return original(self, method, url, *args, **kwargs)

        requests.Session.request = request
        _installed = True
