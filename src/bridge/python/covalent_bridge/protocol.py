"""The requests the bridge answers: the handler table, how one request is
answered, and which requests the editor cancelled. No I/O here (see server)."""

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

_cancelled = set()


def handler(method):
    """Registers the decorated function as the handler of `method`."""

    def register(function):
        if method in HANDLERS:
            raise RuntimeError("two handlers for %r" % method)
        HANDLERS[method] = function
        return function

    return register


# A set's add, discard and membership are atomic: the serve loop marks, request threads read.
def mark_cancelled(request_id):
    _cancelled.add(request_id)


def forget(request_id):
    _cancelled.discard(request_id)


def is_cancelled(request_id):
    return request_id in _cancelled


def raise_if_cancelled(request_id):
    if is_cancelled(request_id):
        raise Cancelled()


def error_response(request_id, error):
    """The JSON-RPC error answer for a BridgeError."""
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "error": {"code": BRIDGE_ERROR, "message": str(error), "data": dict(error.data, kind=error.kind)},
    }


def cancelled_response(request_id, data=None):
    error = {"code": REQUEST_CANCELLED, "message": "cancelled"}
    if data:
        error["data"] = dict(data, kind="cancelled")
    return {"jsonrpc": "2.0", "id": request_id, "error": error}


def answer(message):
    """Runs the request's handler (with its servers' tokens) and returns the JSON-RPC answer."""
    request_id = message.get("id")
    method = message.get("method")
    function = HANDLERS.get(method)
    try:
        if function is None:
            raise BridgeError("unknownMethod", "The bridge has no method %r." % method)
        params = message.get("params") or {}
        with auth.server_tokens(params):
            result = function(params, request_id)
        return {"jsonrpc": "2.0", "id": request_id, "result": result}
    except Cancelled as cancelled:
        return cancelled_response(request_id, cancelled.data)
    except BridgeError as error:
        return error_response(request_id, error)
    except BaseException as error:  # noqa: BLE001 - report, never die on one request
        text = traceback.format_exc()
        log("%s failed:\n%s" % (method, text))
        return {
            "jsonrpc": "2.0",
            "id": request_id,
            "error": {"code": BRIDGE_ERROR, "message": "%s: %s" % (type(error).__name__, error), "data": {"kind": "internal", "traceback": text}},
        }
