"""Replaying one task of a dispatch on this machine: the inputs the server
recorded for it, and its function from the workspace's current source (or the
function the server stored).

`replayPrepare` downloads what the task needs into a folder of its own (the
"bundle": the recorded inputs, the stored function when asked for, the server's
result) through the SDK's result manager, checks that everything unpickles in
this interpreter and says what does not. The task then runs in a process of its
own (`replay_runner.py`, a program: plainly for Run Task Locally, under debugpy
for Debug Task Locally; its code is in replay_run), so a task that exits,
crashes or hangs never takes the bridge with it. `replayRun` starts that process
and returns its outcome.
"""

import importlib.util
import json
import os
import subprocess
import sys
import threading
import time

from . import auth, replay_run, runtime, sources, workflow, workspace
from .errors import BridgeError, Cancelled, log
from .protocol import handler, raise_if_cancelled
from .sdk import _not_found, sdk_call

BUNDLE_FILE = "replay.json"
OUTCOME_FILE = "outcome.json"
RUNNER = os.path.join(os.path.dirname(os.path.realpath(__file__)), "replay_runner.py")
# Edges Covalent draws for `wait_for`: ordering only, no value.
_WAIT_EDGE = "!waiting_edge"


# ---------------------------------------------------------------- preparing (in the request's own process: see isolation)


@handler("replayPrepare")
def handle_prepare(params, request_id):
    runtime.require_covalent()
    return _prepare(params, request_id)


def _prepare(params, request_id):
    dispatch_id = params["dispatchId"]
    node_id = int(params["taskId"])
    address = runtime.server_url((params.get("dispatcherAddress") or "").rstrip("/") or None)
    folder = params["bundleDir"]
    os.makedirs(folder, exist_ok=True)
    function_source = params.get("function") or {}
    use_stored = bool(params.get("useStoredFunction"))

    from covalent._results_manager.results_manager import get_result_manager

    try:
        manager = sdk_call(
            "Reading the dispatch",
            lambda: get_result_manager(dispatch_id, results_dir=folder, wait=False, dispatcher_addr=address),
        )
    except BridgeError as error:
        missing = _not_found(error, dispatch_id, address)
        if missing is None:
            raise
        raise missing from error
    graph = manager.result_object.lattice.transport_graph
    if node_id not in graph._graph.nodes:
        raise BridgeError("taskNotFound", "Dispatch %s has no task %d." % (dispatch_id, node_id), taskId=node_id)
    name = graph.get_node_value(node_id, "name")

    # The module the function comes from is imported first: by-reference pickles of
    # the project's own classes in the inputs then find their modules.
    module = None
    if not use_stored:
        if function_source.get("file"):
            # A notebook runs up to the cell that defines the electron.
            module = workflow.load_from_params(function_source, [name])
        else:
            raise BridgeError("electronNotFound", "No file defines the electron %s." % name, electron=name)
    else:
        workspace.enter_workspace(params.get("workspaceFolders"))

    inputs = _task_inputs(manager, graph, node_id)
    download = _Downloads(manager, request_id)
    for parameter in inputs:
        download.node_asset(parameter["parent"], parameter["key"])
    server_status = str(graph.get_node_value(node_id, "status"))
    server_output = None
    if _asset_size(manager, node_id, "output") > 0:
        download.node_asset(node_id, "output")
        server_output = _node_asset_path(manager, node_id, "output")
    stored_function = None
    if use_stored:
        download.node_asset(node_id, "function")
        stored_function = _node_asset_path(manager, node_id, "function")
    raise_if_cancelled(request_id)

    # Everything must unpickle here before anything runs (or a debugger starts).
    shown = []
    for parameter in inputs:
        path = _node_asset_path(manager, parameter["parent"], parameter["key"])
        value = replay_run.load_value(path, "input %s of %s" % (parameter["label"], name))
        shown.append({"name": parameter["label"], "text": replay_run.short(replay_run.safe_str(value), 2000)})
        parameter["path"] = path

    if use_stored:
        function = replay_run.load_value(stored_function, "the function the server stored for %s" % name, stored=True)
        origin = {"from": "stored"}
    else:
        function = replay_run.task_function(module, name)
        origin = {"from": "workspace"}
    origin.update(_where(function))

    bundle = {
        "dispatchId": dispatch_id,
        "taskId": node_id,
        "taskName": name,
        "function": {"stored": stored_function, "file": origin.get("file")} if use_stored else {"source": function_source, "name": name},
        "args": [parameter["path"] for parameter in inputs if parameter["kind"] == "arg"],
        "kwargs": {parameter["label"]: parameter["path"] for parameter in inputs if parameter["kind"] == "kwarg"},
        "serverStatus": server_status,
        "serverOutput": server_output,
        "outcome": os.path.join(folder, OUTCOME_FILE),
        "cwd": os.getcwd(),
    }
    bundle_path = os.path.join(folder, BUNDLE_FILE)
    with open(bundle_path, "w", encoding="utf-8") as file:
        json.dump(bundle, file)
    return {
        "bundle": bundle_path,
        "runner": RUNNER,
        "packageFolder": os.path.dirname(RUNNER),
        "cwd": bundle["cwd"],
        "taskName": name,
        "inputs": shown,
        "function": origin,
        "serverStatus": server_status,
        "debugpy": _debugpy_version(),
    }


def _task_inputs(manager, graph, node_id):
    """The task's parameters as the server computed them (Covalent's own rule:
    each incoming edge is an argument at `arg_index` or a keyword named
    `edge_name`; its value is the parent node's output)."""
    found = []
    for parent in graph.get_dependencies(node_id):
        for edge in graph.get_edge_data(parent, node_id).values():
            if edge.get("wait_for") or edge.get("edge_name") == _WAIT_EDGE:
                continue
            key = "output"
            if _asset_size(manager, parent, "output") <= 0:
                parent_name = graph.get_node_value(parent, "name")
                if str(parent_name).startswith(":parameter:") and _asset_size(manager, parent, "value") > 0:
                    key = "value"  # a literal input of the lattice
                else:
                    raise BridgeError(
                        "inputsNotRecorded",
                        "%s has no recorded input %s: it comes from %s (node %d), which is %s on the server, so the "
                        "task never ran there. Replay %s first."
                        % (
                            graph.get_node_value(node_id, "name"),
                            edge.get("edge_name"),
                            parent_name,
                            parent,
                            graph.get_node_value(parent, "status"),
                            parent_name,
                        ),
                        parent=parent,
                    )
            kind = edge.get("param_type") or "arg"
            found.append(
                {
                    "parent": parent,
                    "key": key,
                    "kind": "kwarg" if kind == "kwarg" else "arg",
                    "index": edge.get("arg_index") or 0,
                    "label": str(edge.get("edge_name")),
                }
            )
    args = sorted((entry for entry in found if entry["kind"] == "arg"), key=lambda entry: entry["index"])
    return args + [entry for entry in found if entry["kind"] == "kwarg"]


def _node(manager, node_id):
    return manager._manifest["lattice"]["transport_graph"]["nodes"][node_id]


def _asset_size(manager, node_id, key):
    asset = _node(manager, node_id)["assets"].get(key) or {}
    return asset.get("size") or 0


def _node_asset_path(manager, node_id, key):
    uri = (_node(manager, node_id)["assets"].get(key) or {}).get("uri") or ""
    return uri[len("file://") :] if uri.startswith("file://") else uri


class _Downloads:
    """The SDK's own per-asset download (so the server's token and address go
    with it), each in a worker thread: a cancel is answered at once, even in
    the middle of a large file (the bundle folder is then discarded)."""

    def __init__(self, manager, request_id):
        self.manager = manager
        self.request_id = request_id

    def node_asset(self, node_id, key):
        if _node_asset_path(self.manager, node_id, key):
            return  # two parameters fed by one node
        outcome = {}

        def download():
            try:
                self.manager.download_node_asset(node_id, key)
            except BaseException as error:  # noqa: BLE001 - handed to the waiting request
                outcome["error"] = error

        worker = threading.Thread(target=auth.carried(download), daemon=True, name="covalent-replay-download")
        worker.start()
        while worker.is_alive():
            raise_if_cancelled(self.request_id)
            worker.join(0.1)
        if "error" in outcome:
            error = outcome["error"]

            def again():
                raise error

            sdk_call("Downloading the task's %s" % key, again)


def _debugpy_version():
    """debugpy's version when this interpreter can import it (its metadata alone is not enough)."""
    try:
        if importlib.util.find_spec("debugpy") is None:
            return None
    except (ImportError, ValueError):
        return None
    return replay_run.version_of("debugpy") or "installed"


def _where(function):
    """The file and first line of a task's function, read from the user's sources
    (a stored function's code may name "<dynamic-code>": see sources)."""
    code = getattr(function, "__code__", None)
    path = sources.file_of_function(function)
    if code is None or path is None or not os.path.isfile(path):
        return {}
    return {"file": os.path.realpath(path), "line": code.co_firstlineno}


# ---------------------------------------------------------------- running (in a process of its own: see replay_run)


@handler("replayRun")
def handle_run(params, request_id):
    """Runs the prepared task in a new process (the runner) and returns its
    outcome. A cancel ends that process."""
    bundle_path = params["bundle"]
    with open(bundle_path, encoding="utf-8") as file:
        bundle = json.load(file)
    outcome_path = bundle["outcome"]
    if os.path.exists(outcome_path):
        os.remove(outcome_path)
    process = subprocess.Popen(
        [sys.executable, "-u", RUNNER, bundle_path],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=bundle.get("cwd") or None,
    )
    printed = []

    def relay():
        for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if sum(len(part) for part in printed) < replay_run.RESULT_CHARS:
                printed.append(line)
            log("[%s] %s" % (bundle["taskName"], line))

    reader = threading.Thread(target=relay, daemon=True)
    reader.start()
    try:
        while process.poll() is None:
            raise_if_cancelled(request_id)
            time.sleep(0.05)
    except Cancelled:
        process.kill()
        process.wait()
        raise
    reader.join(2)
    if not os.path.exists(outcome_path):
        raise BridgeError(
            "replayCrashed",
            "Running %s ended with exit code %s before it finished (the process died: see the Covalent output)."
            % (bundle["taskName"], process.returncode),
            output="\n".join(printed)[-4000:],
        )
    with open(outcome_path, encoding="utf-8") as file:
        outcome = json.load(file)
    outcome["output"] = "\n".join(printed)
    return outcome
