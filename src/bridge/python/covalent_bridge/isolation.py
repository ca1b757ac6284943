"""Runs each request that touches user code in a process of its own (see child).

The processes are forked from a fork server that imported covalent and the
bridge once (multiprocessing's "forkserver", single-threaded, started before any
request), so a request's process starts warm, sees no other request's modules,
`sys.path` or working directory, and never holds another request's tokens. Its
answer comes back over a pipe, after any progress reports (forwarded to the
editor as they come). The parent stops it when the editor cancels the request
or when its user code outlasts the build deadline, and names how it ended when
it dies. A submission that registered its dispatch is not killed on a cancel
but asked to stop (it deletes what it registered); one that does not answer in
time is killed, and the parent deletes the dispatch itself.
"""

import json
import multiprocessing
import os
import signal
import sys
import threading
import time

from . import auth, child, protocol, submissions
from .errors import BridgeError, log

# Requests whose handler imports the user's files, builds graphs, evaluates inputs
# or unpickles what a server sent.
ISOLATED_METHODS = frozenset({"dispatch", "redispatch", "previewGraph", "electrons", "checkInputs", "replayPrepare", "waitForResult", "renderValue"})

DEFAULT_BUILD_SECONDS = 300.0
_POLL_S = 0.05
_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))

_context = None
_context_lock = threading.Lock()
_running = set()
_running_lock = threading.Lock()
# One process started ahead, waiting for the next request (see child.run).
_spare = None
_spare_lock = threading.Lock()
_start_lock = threading.Lock()


def start_fork_server():
    """Starts the fork server now (it imports covalent while the editor gets ready);
    where there is none (Windows), each request's process starts fresh."""
    global _context
    with _context_lock:
        if _context is not None:
            return _context
        if "forkserver" in multiprocessing.get_all_start_methods():
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(["covalent_bridge.preload"])
            with _package_importable(), _package_on_pythonpath():
                from multiprocessing import forkserver

                forkserver.ensure_running()
        else:
            _context = multiprocessing.get_context("spawn")
        return _context


class _package_importable:
    """The bridge's package importable while a process is prepared (the parent keeps it off sys.path for user code)."""

    def __enter__(self):
        self.added = _PACKAGE_PARENT not in sys.path
        if self.added:
            sys.path.insert(0, _PACKAGE_PARENT)

    def __exit__(self, *exc):
        if self.added and _PACKAGE_PARENT in sys.path:
            sys.path.remove(_PACKAGE_PARENT)


class _package_on_pythonpath:
    """The fork server imports its preloaded modules before it reads any sys.path the
    parent sends (Python 3.11 ignores that): it finds the package through PYTHONPATH."""

    def __enter__(self):
        self.before = os.environ.get("PYTHONPATH")
        os.environ[child.PYTHONPATH_BEFORE] = json.dumps(self.before)
        os.environ["PYTHONPATH"] = os.pathsep.join(entry for entry in (_PACKAGE_PARENT, self.before) if entry)

    def __exit__(self, *exc):
        del os.environ[child.PYTHONPATH_BEFORE]
        if self.before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = self.before


def run(message, notify=None):
    """The request answered in a process of its own: the child's answer, or why there
    is none. `notify(report)` gets each progress report the child sends (see progress)."""
    request_id = message.get("id")
    params = message.get("params") or {}
    limit = _build_seconds(params)
    process, ours = _take_process()
    try:
        try:
            ours.send_bytes(json.dumps(message, default=str).encode("utf-8"))
        except OSError:
            pass  # it died waiting: the supervision below says how
        return _Supervision(process, ours, request_id, message.get("method"), params, limit, notify).run()
    finally:
        ours.close()
        _end(process)


def _start_process():
    context = start_fork_server()
    ours, theirs = context.Pipe(duplex=True)
    process = context.Process(target=child.run, args=(theirs,), daemon=True, name="covalent-request")
    # One start at a time: the package's folder goes on sys.path (and PYTHONPATH) for it only.
    with _start_lock, _package_importable(), _package_on_pythonpath():
        process.start()
    theirs.close()
    with _running_lock:
        _running.add(process)
    return process, ours


def _take_process():
    """The spare process (a new one when there is none or it died), and another spare started behind it."""
    global _spare
    with _spare_lock:
        taken, _spare = _spare, None
    if taken is None or not taken[0].is_alive():
        if taken is not None:
            taken[1].close()
            _end(taken[0])
        taken = _start_process()
    threading.Thread(target=_start_spare, daemon=True, name="covalent-spare").start()
    return taken


def warm_spare():
    """Starts the first spare process in the background, so the first request
    (a dispatch, a value shown) does not wait for the fork server's imports."""
    threading.Thread(target=_start_spare, daemon=True, name="covalent-spare").start()


def _start_spare():
    global _spare
    try:
        started = _start_process()
    except Exception as error:  # noqa: BLE001 - the next request starts its own
        log("Starting a spare request process failed: %s" % error)
        return
    with _spare_lock:
        if _spare is None:
            _spare = started
            return
    started[1].close()  # another request's refill got there first
    _end(started[0])


class _Supervision:
    def __init__(self, process, channel, request_id, method, params, limit, notify):
        self.process, self.channel, self.request_id, self.method, self.params, self.limit = process, channel, request_id, method, params, limit
        self.notify = notify
        self.clock_used = 0.0
        self.clock_since = time.monotonic()  # None while the child says its clock is paused
        self.registered = None  # the dispatch id once the child began registering it
        self.stop_by = None  # once asked to stop: when it is killed if it has not answered

    def run(self):
        while True:
            for message in _messages(self.channel):
                if "answer" in message:
                    return message["answer"]
                self._take(message)
            # Checked however busy the child keeps the pipe.
            if protocol.is_cancelled(self.request_id):
                stopped = self._cancelled()
                if stopped is not None:
                    return stopped
            elif self._used() > self.limit:
                return self._killed(protocol.error_response(self.request_id, _over_deadline(self.method, self.params, self.limit)))
            if not self.process.is_alive():
                # Whatever it sent before it ended (its answer among it) is still in the pipe.
                for message in _messages(self.channel, wait=0):
                    if "answer" in message:
                        return message["answer"]
                    self._take(message)
                self.process.join(1)
                if self.stop_by is not None:
                    return self._killed(None)
                return protocol.error_response(self.request_id, _died(self.params, self.process.exitcode))

    def _take(self, message):
        if message.get("clock") == "pause" and self.clock_since is not None:
            self.clock_used += time.monotonic() - self.clock_since
            self.clock_since = None
        elif message.get("clock") == "run" and self.clock_since is None:
            self.clock_since = time.monotonic()
        report = message.get("progress")
        if isinstance(report, dict):
            if report.get("phase") == "registering" and report.get("dispatchId"):
                self.registered = report["dispatchId"]
            if self.notify is not None:
                try:
                    self.notify(report)
                except Exception as error:  # noqa: BLE001 - a report that cannot be sent is not the request's failure
                    log("A progress report could not be sent: %s" % error)

    def _used(self):
        return self.clock_used + (time.monotonic() - self.clock_since if self.clock_since is not None else 0.0)

    def _cancelled(self):
        """The editor cancelled: the answer now (the process killed), or None while a
        registered submission stops and deletes what it registered."""
        if self.registered is None:
            return self._killed(None)
        if self.stop_by is None:
            self.stop_by = time.monotonic() + _stop_seconds(self.params)
            try:
                self.channel.send_bytes(json.dumps({"stop": True}).encode("utf-8"))
            except OSError:
                return self._killed(None)
            return None
        return self._killed(None) if time.monotonic() > self.stop_by else None

    def _killed(self, answer):
        """Kills the process; if it registered a dispatch (a report read after the kill
        counts), deletes it. `answer`: the answer when there is no dispatch to delete,
        None for "cancelled"."""
        _end(self.process)
        for message in _messages(self.channel, wait=0):
            if "answer" not in message:
                self._take(message)
        if self.registered is None:
            return answer if answer is not None else protocol.cancelled_response(self.request_id)
        with auth.server_tokens(self.params):
            outcome = submissions.withdraw(self.params.get("dispatcherAddress"), self.registered)
        log("The stopped request's dispatch %s: %s." % (self.registered, "left on the server" if outcome.get("leftOnServer") else "deleted"))
        if answer is not None and not outcome.get("leftOnServer"):
            return answer
        return protocol.cancelled_response(self.request_id, outcome)


def _messages(channel, wait=_POLL_S):
    """The child's messages waiting now (after up to `wait` seconds for the first)."""
    received = []
    try:
        ready = channel.poll(wait)
        while ready:
            received.append(json.loads(channel.recv_bytes().decode("utf-8")))
            ready = channel.poll(0)
    except (EOFError, OSError, ValueError):
        if not received:
            time.sleep(wait)  # it closed its end: it is ending; the liveness check says how
    return received


def _build_seconds(params):
    limits = params.get("limits") or {}
    try:
        seconds = float(limits.get("buildSeconds") or DEFAULT_BUILD_SECONDS)
    except (TypeError, ValueError):
        seconds = DEFAULT_BUILD_SECONDS
    return max(seconds, 0.1)


def _stop_seconds(params):
    """How long a registered submission may take to stop: its uploads under way and its delete, each a server request."""
    limits = params.get("limits") or {}
    try:
        seconds = float(limits.get("requestSeconds") or 30.0)
    except (TypeError, ValueError):
        seconds = 30.0
    return 2 * max(seconds, 1.0) + 5.0


def _what(params):
    target = params.get("file") or (params.get("function") or {}).get("file")
    return os.path.basename(target) if target else "the request's Python code"


def _over_deadline(method, params, limit):
    what = _what(params)
    if method == "waitForResult":
        doing, after = "Loading the dispatch's result", "the dispatch itself goes on on the server"
    elif method == "renderValue":
        doing, after = "Loading and drawing the value", "nothing changed on the server"
    elif method == "replayPrepare":
        doing, after = "Preparing the task (importing %s, loading its recorded inputs)" % what, "nothing ran"
    elif method in ("dispatch", "redispatch"):
        doing, after = "Importing and building %s" % what, "nothing was dispatched"
    else:
        doing, after = "Importing and building %s" % what, "nothing was sent to a server"
    return BridgeError(
        "buildTimeout",
        "%s took longer than covalent.buildTimeoutSeconds (%g s): it was stopped and %s. "
        'Code that waits at import (a network call, a lock, input(), time.sleep) belongs under `if __name__ == "__main__":`; '
        "or raise the setting." % (doing, limit, after),
        seconds=limit,
        file=params.get("file"),
    )


def describe_exit(code):
    """An exit status in words."""
    if code is None:
        return "it did not end"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = "signal %d" % -code
        if -code == getattr(signal, "SIGKILL", 9):
            return "it was killed (%s: the system may have run out of memory)" % name
        return "it was killed by %s" % name
    return "it exited with code %d" % code


def _died(params, code):
    log("A request's process (%s) ended without answering: %s." % (_what(params), describe_exit(code)))
    return BridgeError(
        "requestProcessDied",
        "The process that ran %s ended before it answered: %s. Nothing else was affected; see the Covalent output for what it printed."
        % (_what(params), describe_exit(code)),
        exitCode=code,
    )


def _end(process):
    """Kills the process and whatever it started (its own process group), even when it has
    ended already, and lets go of it."""
    try:
        pid = process.pid
    except ValueError:
        return  # let go of already (the bridge's exit and the request's own end can meet)
    if pid is not None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (AttributeError, OSError):
            pass
        if process.exitcode is None:
            try:
                process.kill()
            except OSError:
                pass
        process.join(5)
    with _running_lock:
        _running.discard(process)
    try:
        process.close()
    except ValueError:
        pass  # still running after all: the bridge's exit ends it


def stop_all():
    """Ends every request's process and the spare (the bridge is exiting)."""
    with _running_lock:
        running = list(_running)
    for process in running:
        _end(process)
