"""The build deadline's clock, as a request's own process keeps it.

The parent (see isolation) stops a request's process once the user's code in it
(importing the file, building the graph, evaluating inputs, unpickling what a
server sent) has run longer than `covalent.buildTimeoutSeconds`. Time spent
talking to a server, or waiting for it, is not the user's code: each request to
a server has a timeout of its own. So the clock runs except while paused here.
"""

import contextlib
import json
import threading

_channel = None  # the connection to the parent, in a request's process only
_paused = 0
_count_lock = threading.Lock()  # the count and its message change together: no "run" overtakes a "pause"
_send_lock = threading.Lock()


def connect(channel):
    global _channel
    _channel = channel


def tell(message):
    """Sends one message (JSON) to the parent; nothing outside a request's process."""
    if _channel is None:
        return
    data = json.dumps(message, default=str).encode("utf-8")
    with _send_lock:
        _channel.send_bytes(data)


@contextlib.contextmanager
def paused():
    """Time in here (a server request, a wait between polls) is not counted."""
    global _paused
    with _count_lock:
        _paused += 1
        if _paused == 1:
            tell({"clock": "pause"})
    try:
        yield
    finally:
        with _count_lock:
            _paused -= 1
            if _paused == 0:
                tell({"clock": "run"})
