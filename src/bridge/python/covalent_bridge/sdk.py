"""The Covalent SDK calls: dispatch, redispatch, start a saved dispatch, cancel,
stop triggers, wait for a result."""

import inspect
import time
import traceback

from . import deadline, executors, inputs, progress, runtime, uploads, workflow, workspace
from .errors import BridgeError, Cancelled, log
from .protocol import handler, raise_if_cancelled
from .submissions import submission, withdrawn

TERMINAL_STATUSES = {"COMPLETED", "FAILED", "CANCELLED", "POSTPROCESSING_FAILED"}
# A dispatch saved with disable_run, never started.
SAVED_STATUS = "NEW_OBJECT"
# How often a redispatch reads the status of the dispatch it waits for (as the SDK does),
# and how long a dispatch may read as saved before it is taken as never started.
WAIT_POLL_S = 1.0
SAVED_GRACE_S = 3.0

# Not a Python identifier, so no electron is ever called that.
_NO_TASK = "<covalent-vscode: no task>"


def sdk_call(what, function):
    """Runs an SDK call and names the common failures."""
    try:
        return function()
    except (BridgeError, Cancelled):
        raise
    except Exception as error:  # every SDK failure is named for the editor
        text = traceback.format_exc()
        log("%s failed:\n%s" % (what, text))
        if _is_read_timeout(error):
            # It was reached, and is busy or stalled: what it was sent may still take effect.
            message = "%s: the Covalent server did not answer in time (%s)." % (what, error)
            raise BridgeError("serverUnreachable", message, timedOut=True, traceback=text) from error
        if _is_connection_error(error):
            raise BridgeError("serverUnreachable", "%s: the Covalent server did not answer (%s)." % (what, error), traceback=text) from error
        response = getattr(error, "response", None)
        status = getattr(response, "status_code", None)
        if status is not None:
            body = ""
            try:
                body = response.text[:500]
            except Exception:  # noqa: BLE001 - a body that cannot be read is left out
                pass
            raise BridgeError("serverError", "%s: the server answered %s %s" % (what, status, body), status=status, traceback=text) from error
        raise BridgeError("sdkError", "%s failed: %s: %s" % (what, type(error).__name__, error), traceback=text) from error


def _is_read_timeout(error):
    try:
        import requests

        return isinstance(error, requests.exceptions.ReadTimeout)
    except ImportError:
        return False


def _is_connection_error(error):
    try:
        import requests

        if isinstance(error, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
            return True
    except ImportError:
        pass
    return isinstance(error, (ConnectionError, TimeoutError))


def _address(params):
    address = params.get("dispatcherAddress")
    return address.rstrip("/") if address else None


def prepare(params):
    """The lattice and its inputs, as dispatching and previewing its graph both need them."""
    runtime.require_covalent()
    text = params.get("args") or ""
    if text.strip():
        inputs.check_syntax(text.strip())  # before importing: nothing runs on bad syntax
    choice = executors.Choice.from_params(params)  # a missing plugin is named before any import
    module = workflow.load_from_params(params, [params["lattice"]])
    lattice = workspace.find_lattice(module, params["lattice"])
    args, kwargs = inputs.evaluate(text, module)
    inputs.check_binding(lattice, params["lattice"], args, kwargs)
    return lattice, args, kwargs, choice


@handler("dispatch")
def handle_dispatch(params, request_id):
    lattice, args, kwargs, choice = prepare(params)
    address = _address(params)
    disable_run = bool(params.get("disableRun"))
    _direct_triggers(lattice, params.get("triggersServerAddress") or address)

    def dispatch():
        with executors.applied(choice), uploads.staged_in_memory(), submission(address) as submitted:
            try:
                return runtime.covalent.dispatch(lattice, dispatcher_addr=address, disable_run=disable_run)(*args, **kwargs)
            except Cancelled:
                raise withdrawn(address, submitted.dispatch_id) from None

    try:
        dispatch_id = sdk_call("Dispatch", dispatch)
    except BridgeError as error:
        problem = _pickling_problem(error)
        if problem is None:
            raise
        raise problem from error
    return {"dispatchId": dispatch_id}


def _pickling_problem(error):
    """The SDK's failure named as a project value that cannot be pickled, when it is one (else None)."""
    if error.kind != "sdkError":
        return None
    return workspace.pickling_problem(str(error), error.data.get("traceback"))


def _direct_triggers(lattice, address):
    """Triggers without their own server register with the configured one (the
    SDK would use its config file's address, not the editor's setting)."""
    if not address:
        return
    host = address.split("://", 1)[-1].rstrip("/")  # the SDK prefixes "http://" itself
    for trigger in (getattr(lattice, "metadata", None) or {}).get("triggers") or []:
        if isinstance(trigger, dict) and not trigger.get("triggers_server_addr"):
            trigger["triggers_server_addr"] = host


@handler("waitForResult")
def handle_wait(params, request_id):
    runtime.require_covalent()
    return dict(_wait_for_result(params["dispatchId"], _address(params), request_id, params.get("pollIntervalMs")), dispatchId=params["dispatchId"])


def _wait_for_result(dispatch_id, address, request_id, poll_ms):
    from covalent._results_manager.results_manager import get_result

    interval = max(float(poll_ms or 500) / 1000.0, 0.1)
    with deadline.paused():  # waiting on the server is not user code
        while True:
            raise_if_cancelled(request_id)
            status = sdk_call("Reading the status", lambda: get_result(dispatch_id, dispatcher_addr=address, status_only=True))["status"]
            if str(status) in TERMINAL_STATUSES:
                break
            time.sleep(interval)
    result = sdk_call(
        "Reading the result",
        lambda: get_result(dispatch_id, dispatcher_addr=address, intermediate_outputs=False, sublattice_results=False),
    )
    encoded = getattr(result, "encoded_result", None)
    text = None
    if encoded is not None:
        text = getattr(encoded, "object_string", None)
        if text is None:
            try:
                text = repr(encoded.get_deserialized())
            except Exception:  # noqa: BLE001 - a result that does not unpickle here has no text
                text = None
    error = getattr(result, "error", None)
    return {"status": str(status), "result": text, "error": str(error) if error else None}


@handler("redispatch")
def handle_redispatch(params, request_id):
    runtime.require_covalent()
    if params.get("isPending"):
        # is_pending=True starts the saved (disable_run) dispatch itself.
        return handle_start_saved(params, request_id)
    address = _address(params)
    dispatch_id = params["dispatchId"]
    replace = params.get("replaceElectrons") or {}
    text = (params.get("args") or "").strip()
    if text:
        inputs.check_syntax(text)
    choice = executors.Choice.from_params(params)
    if replace and not params.get("file"):
        raise BridgeError("fileRequired", "Replacing electrons needs the workflow's file (uri): the new electrons are read from it.")
    _until_finished(dispatch_id, _require_dispatch(dispatch_id, address), address)
    module = None
    if params.get("file") and (replace or text):
        module = workflow.load_from_params(params, sorted(set(replace.values())))
    else:
        # The earlier dispatch's code may name the project's modules: importable as a dispatch from there would have them.
        workspace.enter_workspace(params.get("workspaceFolders"))
    replace_electrons = {task: workspace.electron_function(module, electron) for task, electron in replace.items()}
    if text:
        args, kwargs = inputs.evaluate(text, module)
    elif replace_electrons or choice is not None:
        # Covalent 0.240 rebuilds the graph with the previous positional inputs only
        # (it drops the keywords): give it every previous input explicitly. Without
        # inputs or replacements it would resubmit the stored graph as it was, with
        # its executors: a new executor choice needs the graph built again.
        args, kwargs = _previous_inputs(dispatch_id, address)
    else:
        args, kwargs = (), {}  # nothing changes: the SDK resubmits the stored graph as it was
    if choice is not None and not (args or kwargs or replace_electrons):
        # With no inputs and no replacements the SDK resubmits the stored graph, executors
        # and all; a replacement for a task name no workflow has makes it build the graph again.
        replace_electrons = {_NO_TASK: None}
    options = {
        "dispatcher_addr": address,
        "replace_electrons": replace_electrons,
        "reuse_previous_results": bool(params.get("reusePreviousResults")),
    }

    def redispatch():
        with executors.applied(choice), uploads.staged_in_memory(), submission(address) as submitted:
            try:
                return runtime.covalent.redispatch(dispatch_id, **options)(*args, **kwargs)
            except Cancelled:
                raise withdrawn(address, submitted.dispatch_id) from None

    new_id = sdk_call("Redispatch", redispatch)
    return {"dispatchId": new_id}


def _require_dispatch(dispatch_id, address):
    """The dispatch's status; an unknown id is named as such, not as the SDK's bare MissingLatticeRecordError."""
    from covalent._api.apiclient import CovalentAPIClient
    from covalent._results_manager.results_manager import _query_dispatch_status

    client = CovalentAPIClient(runtime.server_url(address), auto_raise=False)
    try:
        return str(sdk_call("Reading the dispatch", lambda: _query_dispatch_status(dispatch_id, client)))
    except BridgeError as error:
        missing = _not_found(error, dispatch_id, address)
        if missing is None:
            raise
        raise missing from error


def _until_finished(dispatch_id, status, address):
    """Covalent redispatches a finished dispatch only: its SDK reads the status each
    second until then, and forever for one that never finishes (saved without
    running). Say so for those; show the wait for the others, which the editor can
    cancel (nothing is registered yet). A dispatch just started reads as saved for a
    moment (the server starts it in the background): it gets SAVED_GRACE_S."""
    began = time.monotonic()
    while not _sdk_finished(status):
        saved = status == SAVED_STATUS and time.monotonic() - began >= SAVED_GRACE_S
        if saved or status in TERMINAL_STATUSES:
            why = "was saved without running and has not started" if saved else "ended %s" % status
            raise BridgeError(
                "dispatchNotFinished",
                "Dispatch %s %s: Covalent redispatches a completed, failed or cancelled dispatch only. "
                "Start a saved one with Covalent: Run Saved Dispatch, or dispatch the workflow again." % (dispatch_id, why),
                dispatchId=dispatch_id,
                status=status,
            )
        progress.report("waiting", dispatchId=dispatch_id, status=status)
        time.sleep(WAIT_POLL_S)
        status = _require_dispatch(dispatch_id, address)


def _sdk_finished(status):
    """Whether the SDK's redispatch would stop waiting on this status."""
    try:
        from covalent._shared_files.util_classes import RESULT_STATUS

        return bool(RESULT_STATUS.is_terminal(status))
    except (ImportError, AttributeError):
        return status in {"COMPLETED", "FAILED", "CANCELLED"}


def _not_found(error, dispatch_id, address):
    """The SDK's failure named as an unknown dispatch, when it is one (else None)."""
    if "MissingLatticeRecordError" in str(error) or error.data.get("status") == 404:
        return BridgeError("dispatchNotFound", "There is no dispatch %s on %s." % (dispatch_id, runtime.server_url(address)), dispatchId=dispatch_id)
    return None


def _previous_inputs(dispatch_id, address):
    """The inputs the server stored for the dispatch: positional and keyword."""
    from covalent._results_manager.results_manager import get_result_manager

    def read():
        manager = get_result_manager(dispatch_id, dispatcher_addr=runtime.server_url(address), wait=False)
        manager.download_lattice_asset("inputs")
        manager.load_lattice_asset("inputs")
        stored = manager.result_object.inputs
        return stored.get_deserialized() if stored is not None else None

    try:
        stored = sdk_call("Reading the previous inputs", read) or {}
    except BridgeError as error:
        missing = _not_found(error, dispatch_id, address)
        if missing is None:
            raise
        raise missing from error
    return tuple(stored.get("args") or ()), dict(stored.get("kwargs") or {})


def handle_start_saved(params, request_id):
    """Starts a dispatch saved with disable_run: `redispatch(..., is_pending=True)`
    where the SDK has it, else the same request the SDK's own `start` makes."""
    runtime.require_covalent()
    address = _address(params)
    dispatch_id = params["dispatchId"]
    if "is_pending" in inspect.signature(runtime.covalent.redispatch).parameters:
        started = sdk_call("Run saved dispatch", lambda: runtime.covalent.redispatch(dispatch_id, dispatcher_addr=address, is_pending=True)())
    else:
        from covalent._dispatcher_plugins.local import LocalDispatcher

        started = sdk_call("Run saved dispatch", lambda: LocalDispatcher.start(dispatch_id, address))
    return {"dispatchId": started or dispatch_id}


@handler("cancel")
def handle_cancel(params, request_id):
    runtime.require_covalent()
    task_ids = [int(task) for task in (params.get("taskIds") or [])]
    answer = sdk_call("Cancel", lambda: runtime.covalent.cancel(params["dispatchId"], task_ids=task_ids or None, dispatcher_addr=_address(params)))
    return {"message": answer}


@handler("stopTriggers")
def handle_stop_triggers(params, request_id):
    runtime.require_covalent()
    ids = list(params["dispatchIds"])
    address = (params.get("triggersServerAddress") or "").rstrip("/") or None
    sdk_call("Stop triggers", lambda: runtime.covalent.stop_triggers(ids, triggers_server_addr=address))
    return {"stopped": ids}
