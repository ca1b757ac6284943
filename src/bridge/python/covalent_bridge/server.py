"""JSON-RPC framing over stdio and the serve loop.

Each request runs in a thread of its own, so a long "dispatch and wait" does not
block a cancel; requests that touch user code run in a process of their own
(see isolation). Writes to the protocol stream are serialised by a lock.
"""

import json
import os
import sys
import threading

from . import isolation, owner, protocol
from .errors import log

_protocol_out = None
_protocol_in = None
_write_lock = threading.Lock()


def take_stdio():
    """Keeps the real stdin and stdout for the protocol: everything else printed goes
    to stderr, and anything that reads standard input (input() in user code, a
    process the bridge starts) reads an empty one, never the editor's requests."""
    global _protocol_out, _protocol_in
    if _protocol_out is not None:
        return
    _protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    _protocol_in = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    empty = os.open(os.devnull, os.O_RDONLY)
    os.dup2(empty, sys.stdin.fileno())
    os.close(empty)
    sys.stdin = open(os.devnull, encoding="utf-8")
    # Replay runners watch this process: they end when it does.
    os.environ[owner.OWNER_VARIABLE] = str(os.getpid())


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
    try:
        if message.get("method") in isolation.ISOLATED_METHODS:
            response = isolation.run(message)
        else:
            response = protocol.answer(message)
    finally:
        protocol.forget(request_id)
    if request_id is not None:
        _send(response)


def main():
    """Serves requests until the editor closes stdin or says `exit`; then ends
    every request's process."""
    try:
        isolation.start_fork_server()
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
