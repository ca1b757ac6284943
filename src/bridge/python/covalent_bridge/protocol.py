"""JSON-RPC framing over stdio, the handler table and the serve loop.

Each request runs in its own thread so a long "dispatch and wait" does not
block a cancel; writes to the protocol stream are serialised by a lock.
"""

import json
import os
import sys
import threading
import traceback

from . import auth
from .errors import BridgeError, Cancelled, log

# The version of this protocol, which `initialize` answers: the editor refuses a
# bridge whose version is not its own (PROTOCOL_VERSION in src/bridge/protocol.ts).
PROTOCOL_VERSION = 1

# JSON-RPC error codes: the application's own range, and LSP's "request cancelled".
BRIDGE_ERROR = -32000
REQUEST_CANCELLED = -32800

# Method name → handler(params, request_id) returning the result (JSON-able).
HANDLERS = {}

_protocol_out = None
_protocol_in = None
_write_lock = threading.Lock()
_cancelled = set()
_cancelled_lock = threading.Lock()


def handler(method):
    """Registers the decorated function as the handler of `method`."""

    def register(function):
        if method in HANDLERS:
            raise RuntimeError("two handlers for %r" % method)
        HANDLERS[method] = function
        return function

    return register


def take_stdout():
    """Keeps the real stdout for the protocol; everything else printed goes to stderr."""
    global _protocol_out, _protocol_in
    if _protocol_out is not None:
        return
    _protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    _protocol_in = sys.stdin.buffer


def is_cancelled(request_id):
    with _cancelled_lock:
        return request_id in _cancelled


def raise_if_cancelled(request_id):
    if is_cancelled(request_id):
        raise Cancelled()


def _read_message():
    headers = {}
    while True:
        line = _protocol_in.readline()
        if not line:
            return None
        line = line.decode("ascii").strip()
        if not line:
            break
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = _protocol_in.read(length)
    if len(body) < length:
        return None
    return json.loads(body.decode("utf-8"))


def _send(message):
    body = json.dumps(message, default=str).encode("utf-8")
    header = ("Content-Length: %d\r\n\r\n" % len(body)).encode("ascii")
    with _write_lock:
        _protocol_out.write(header + body)
        _protocol_out.flush()


def _serve(message):
    request_id = message.get("id")
    method = message.get("method")
    function = HANDLERS.get(method)
    try:
        if function is None:
            raise BridgeError("unknownMethod", "The bridge has no method %r." % method)
        params = message.get("params") or {}
        with auth.server_tokens(params):
            result = function(params, request_id)
        response = {"jsonrpc": "2.0", "id": request_id, "result": result}
    except Cancelled:
        response = {"jsonrpc": "2.0", "id": request_id, "error": {"code": REQUEST_CANCELLED, "message": "cancelled"}}
    except BridgeError as error:
        response = {
            "jsonrpc": "2.0",
            "id": request_id,
            "error": {"code": BRIDGE_ERROR, "message": str(error), "data": dict(error.data, kind=error.kind)},
        }
    except BaseException as error:  # noqa: BLE001 - report, never die on one request
        text = traceback.format_exc()
        log("%s failed:\n%s" % (method, text))
        response = {
            "jsonrpc": "2.0",
            "id": request_id,
            "error": {"code": BRIDGE_ERROR, "message": "%s: %s" % (type(error).__name__, error), "data": {"kind": "internal", "traceback": text}},
        }
    finally:
        with _cancelled_lock:
            _cancelled.discard(request_id)
    if request_id is not None:
        _send(response)


def main():
    """Serves requests until the editor closes stdin or says `exit`."""
    while True:
        message = _read_message()
        if message is None:
            return  # the editor closed our stdin: exit quietly
        method = message.get("method")
        if method == "$/cancelRequest":
            with _cancelled_lock:
                _cancelled.add((message.get("params") or {}).get("id"))
            continue
        if method == "exit":
            return
        if "id" not in message:
            continue  # other notifications: nothing to do
        threading.Thread(target=_serve, args=(message,), daemon=True).start()
