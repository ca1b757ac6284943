"""A submission's progress as a request's own process reports it, and the
editor's cancel of it once something is on the server.

Each report goes to the parent over the request's pipe (see deadline.tell);
the parent forwards it to the editor as a `$/progress` notification with the
request's progress token (see isolation). The phases, in order: `building` the
graph, `serializing` N tasks, `registering` N tasks (with the dispatch id,
assigned before the registration is sent), `uploading` done of total assets
(at most ten reports a second, and always the last), `starting`.

Until the dispatch is registered the parent kills the process when the editor
cancels. From then on it asks instead (child reads the request's pipe): the
submission stops between two uploads and deletes what it registered (see sdk).
"""

import threading
import time

from . import deadline
from .errors import Cancelled

# The shortest time between two upload reports.
INTERVAL_S = 0.1

_asked_to_stop = threading.Event()


def report(phase, **counts):
    """Sends one phase's report (counts: tasks, done, total, dispatchId)."""
    deadline.tell({"progress": dict(counts, phase=phase)})


def stop():
    """The editor cancelled: the submission stops at its next check."""
    _asked_to_stop.set()


def stopping():
    return _asked_to_stop.is_set()


def check():
    """Raises Cancelled once the editor cancelled (between two steps of a submission)."""
    if _asked_to_stop.is_set():
        raise Cancelled()


class Uploads:
    """Counts the assets uploaded of `total` and reports them, at most once per INTERVAL_S."""

    def __init__(self, total, interval=INTERVAL_S):
        self.total = total
        self.done = 0
        self.interval = interval
        self._last = 0.0
        self._lock = threading.Lock()
        report("uploading", done=0, total=total)

    def add(self):
        with self._lock:  # reports leave in order: the counts never go back
            self.done += 1
            now = time.monotonic()
            if self.done < self.total and now - self._last < self.interval:
                return
            self._last = now
            report("uploading", done=self.done, total=self.total)
