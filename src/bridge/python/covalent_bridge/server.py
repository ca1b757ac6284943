"""JSON-RPC framing over stdio and the serve loop.

Each request runs in a thread of its own, so a long "dispatch and wait" does not
block a cancel; requests that touch user code run in a process of their own
(see isolation), and their progress reports go to the editor as `$/progress`
notifications with the request's `progressToken`. Writes to the protocol
stream are serialised by a lock.
"""

import json
import threading
import traceback

from . import isolation, protocol, stdio
from .errors import BridgeError, log

_write_lock = threading.Lock()


def _read_message():
    headers = {}
    while True:
        line = stdio.protocol_in.readline()
        if not line:
            return None
        line = line.decode("ascii").strip()
        if not line:
            break
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = stdio.protocol_in.read(length)
    if len(body) < length:
        return None
    return json.loads(body.decode("utf-8"))


def _send(message):
    body = json.dumps(message, default=str).encode("utf-8")
    header = ("Content-Length: %d\r\n\r\n" % len(body)).encode("ascii")
    with _write_lock:
        stdio.protocol_out.write(header + body)
        stdio.protocol_out.flush()


def _progress_sender(message):
    """Sends a request's progress reports, when the editor gave it a progress token (else None)."""
    token = (message.get("params") or {}).get("progressToken")
    if token is None:
        return None
    return lambda report: _send({"jsonrpc": "2.0", "method": "$/progress", "params": {"token": token, "value": report}})


def _serve(message):
    request_id = message.get("id")
    try:
        if message.get("method") in isolation.ISOLATED_METHODS:
            response = isolation.run(message, _progress_sender(message))
        else:
            response = protocol.answer(message)
    except Exception as error:  # noqa: BLE001 - every request is answered, this one with why it could not run
        log("%s could not run:\n%s" % (message.get("method"), traceback.format_exc()))
        response = protocol.error_response(
            request_id,
            BridgeError(
                "requestProcessDied",
                "The bridge could not run this request in a process of its own: %s: %s. Reload the window to restart the bridge."
                % (type(error).__name__, error),
            ),
        )
    finally:
        protocol.forget(request_id)
    if request_id is not None:
        _send(response)


def main():
    """Serves requests until the editor closes stdin or says `exit`; then ends
    every request's process."""
    try:
        isolation.start_fork_server()
        isolation.warm_spare()
    except Exception as error:  # noqa: BLE001 - each request then says why it cannot start
        log("The bridge's fork server did not start: %s" % error)
    try:
        while True:
            message = _read_message()
            if message is None:
                return  # the editor closed our stdin: exit quietly
            method = message.get("method")
            if method == "$/cancelRequest":
                protocol.mark_cancelled((message.get("params") or {}).get("id"))
                continue
            if method == "exit":
                return
            if "id" not in message:
                continue  # other notifications: nothing to do
            threading.Thread(target=_serve, args=(message,), daemon=True).start()
    finally:
        isolation.stop_all()
