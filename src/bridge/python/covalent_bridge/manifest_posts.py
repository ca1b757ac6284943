"""The SDK's manifest posts: declared as the JSON they are, and given time in
proportion to their size.

Covalent's SDK registers a dispatch (`register_manifest`, and
`register_derived_manifest` for a redispatch) by posting the manifest as a string
body with no Content-Type. FastAPI 0.132 and later parse a body as JSON only when
its Content-Type says so (`strict_content_type`, on by default), so a server that
`pip install covalent` builds today answers those posts 422 "Input should be a
valid dictionary", `ct.dispatch`'s own among them. The bridge's requests say what
they carry, which every FastAPI the server may run accepts.

The server answers a register post only once it has stored every node: about 0.4 s
for a 100-task manifest (0.2 MB), 3.6 s for 1,000 (2.2 MB) and 41 s for 10,000
(22.5 MB) on an idle 2-core machine. One request timeout for every call would fail
a big sweep's registration that is merely slow, so such a post gets the call's
timeout plus SECONDS_PER_MB for each megabyte it carries.
"""

from urllib.parse import urlsplit

# The server's dispatch endpoints (register, redispatch), where the SDK posts manifests.
DISPATCHES_PATH = "/api/v2/dispatches"
JSON = "application/json"
# About three times the server's own pace at 10,000 tasks, for a loaded machine.
SECONDS_PER_MB = 5.0


def adjusted(method, url, headers, data, call_seconds):
    """The headers and timeout to send a request with: as given (`call_seconds`),
    except for a manifest post, which says it is JSON (unless it says otherwise)
    and gets more time by its size."""
    if not _is_manifest_post(method, url, data):
        return headers, call_seconds
    if not (headers and any(str(name).lower() == "content-type" for name in headers)):
        headers = {**(headers or {}), "Content-Type": JSON}
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    return headers, call_seconds + SECONDS_PER_MB * size / 1e6


def _is_manifest_post(method, url, data):
    return (
        isinstance(method, str)
        and method.upper() in ("POST", "PUT")
        and isinstance(data, (str, bytes))
        and isinstance(url, str)
        and DISPATCHES_PATH in urlsplit(url).path
    )
