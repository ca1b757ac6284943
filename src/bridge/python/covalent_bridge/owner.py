"""A process the bridge or the editor starts ends when its owner does.

The owner's pid comes in the environment (COVALENT_OWNER_PID): the bridge sets
its own for the replay runners it starts, the editor its own for a debugged
task. A thread checks that the owner lives, and ends this process when it does
not, so no runner outlives the editor.
"""

import os
import threading
import time

OWNER_VARIABLE = "COVALENT_OWNER_PID"
_CHECK_S = 0.5


def end_with_owner():
    try:
        owner = int(os.environ.get(OWNER_VARIABLE) or 0)
    except ValueError:
        return
    if owner <= 0 or owner == os.getpid():
        return
    threading.Thread(target=_watch, args=(owner,), daemon=True, name="covalent-owner-watch").start()


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _watch(owner):
    while _alive(owner) and os.getppid() != 1:
        time.sleep(_CHECK_S)
    os._exit(1)
