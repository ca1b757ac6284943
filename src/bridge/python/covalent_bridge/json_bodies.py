"""A manifest the SDK posts, declared as the JSON it is.

Covalent's SDK registers a dispatch (`register_manifest`, and
`register_derived_manifest` for a redispatch) by posting the manifest as a string
body with no Content-Type. FastAPI 0.132 and later parse a body as JSON only when
its Content-Type says so (`strict_content_type`, on by default), so a server that
`pip install covalent` builds today answers those posts 422 "Input should be a
valid dictionary", `ct.dispatch`'s own among them. The bridge's requests say what
they carry, which every FastAPI the server may run accepts.
"""

from urllib.parse import urlsplit

# The server's dispatch endpoints (register, redispatch), where the SDK posts manifests.
DISPATCHES_PATH = "/api/v2/dispatches"
JSON = "application/json"


def declared(method, url, headers, data):
    """The headers to send: `headers`, plus a JSON Content-Type where a manifest goes without one."""
    if not isinstance(method, str) or method.upper() not in ("POST", "PUT") or not isinstance(data, (str, bytes)):
        return headers
    if not isinstance(url, str) or DISPATCHES_PATH not in urlsplit(url).path:
        return headers
    if headers and any(str(name).lower() == "content-type" for name in headers):
        return headers
    return {**(headers or {}), "Content-Type": JSON}
