"""A request's own process: it answers one request and ends.

Started by isolation from the warm fork server (covalent and the bridge already
imported), with an empty standard input and the bridge's stderr as its output.
It holds only this request's tokens, and dies when the bridge does. It is
started before its request comes, so the request pays no start-up.
"""

import json
import os
import signal
import sys
import threading

from . import deadline, handlers, progress, protocol, runtime  # noqa: F401 - handlers: every request's handler registered (a spawned process imports only this module)

# The variable isolation sets in the fork server's environment (isolation imports this module).
PYTHONPATH_BEFORE = "COVALENT_BRIDGE_PYTHONPATH_BEFORE"
_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def run(channel):
    """Waits, warm, for the one request the bridge hands it (see isolation: a spare
    process is ready before its request comes), answers it and ends."""
    runtime.warm_up()
    try:
        message = json.loads(channel.recv_bytes().decode("utf-8"))
    except (EOFError, OSError):
        os._exit(0)  # the bridge ended before it needed this process
    if hasattr(os, "setpgrp"):
        os.setpgrp()  # the bridge ends this process's own children with it
    sys.path[:] = [entry for entry in sys.path if os.path.realpath(entry or os.curdir) != _PACKAGE_PARENT]
    _restore_pythonpath()
    deadline.connect(channel)
    threading.Thread(target=_end_with_the_bridge, args=(channel,), daemon=True).start()
    response = protocol.answer(message)
    deadline.tell({"answer": response})
    sys.stdout.flush()
    sys.stderr.flush()
    # Straight out: no waiting for threads the user's code or the SDK left behind.
    os._exit(0)


def _restore_pythonpath():
    """The user's code, and what it starts, see the PYTHONPATH the editor gave the bridge."""
    saved = os.environ.pop(PYTHONPATH_BEFORE, None)
    if saved is None:
        return
    before = json.loads(saved)
    if before is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = before


def _end_with_the_bridge(channel):
    """After the request the bridge writes to this connection only to stop a
    registered submission (see progress); it reads end-of-file when the bridge is gone."""
    try:
        while True:
            try:
                message = json.loads(channel.recv_bytes().decode("utf-8"))
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("stop"):
                progress.stop()
    except (EOFError, OSError):
        pass
    if hasattr(os, "killpg"):
        try:
            os.killpg(0, signal.SIGKILL)
        except OSError:
            pass
    os._exit(1)
