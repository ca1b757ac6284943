"""The Covalent for VS Code bridge: a long-lived Python process that imports
`covalent` once and dispatches workflows for the editor.

JSON-RPC 2.0 over stdio with `Content-Length` framing (what `vscode-jsonrpc`
speaks). Standard library plus `covalent` only. stdout carries the protocol and
nothing else: the user's `print` calls (at import time or in the SDK) are sent
to stderr, which the editor shows in its "Covalent" output channel.

Each request runs in its own thread so a long "dispatch and wait" does not
block a cancel; writes to the protocol stream are serialised by a lock.
"""

import ast
import importlib.util
import inspect
import io
import json
import linecache
import os
import sys
import threading
import time
import tokenize
import traceback
import types

PROTOCOL_VERSION = 1

# Keep the real stdout for the protocol; everything else printed goes to stderr.
_protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
sys.stdout = sys.stderr
_protocol_in = sys.stdin.buffer
_write_lock = threading.Lock()
# Importing user files touches sys.path, sys.modules and linecache: one at a time.
_import_lock = threading.Lock()
_cancelled = set()
_cancelled_lock = threading.Lock()

TERMINAL_STATUSES = {"COMPLETED", "FAILED", "CANCELLED", "POSTPROCESSING_FAILED"}

covalent = None
covalent_import_error = None
try:
    import covalent  # noqa: E402
    from covalent._workflow.electron import Electron
    from covalent._workflow.lattice import Lattice

    try:
        import cloudpickle
    except ImportError:  # Covalent depends on it; be tolerant all the same.
        cloudpickle = None
except Exception:  # noqa: BLE001 - any failure means "covalent is not usable here"
    covalent = None
    covalent_import_error = traceback.format_exc()
    cloudpickle = None
    Electron = Lattice = None


def _upload_assets_concurrently():
    """The SDK uploads a dispatch's assets (about 30 files for the seed workflow)
    one HTTP request after another. The bridge keeps the SDK's own per-asset
    upload and only sends those requests a few at a time in parallel."""
    try:
        from concurrent.futures import ThreadPoolExecutor

        from covalent._dispatcher_plugins import local as local_plugin

        sequential = local_plugin.LocalDispatcher._upload
        upload_one = local_plugin._upload_asset
    except (ImportError, AttributeError):
        return  # another SDK layout: keep its own upload
    workers = ThreadPoolExecutor(max_workers=8, thread_name_prefix="covalent-upload")

    def upload(assets):
        pending = [asset for asset in assets if asset.remote_uri and asset.uri]
        if len(pending) < 2:
            return sequential(assets)
        for future in [workers.submit(upload_one, asset.uri, asset.remote_uri) for asset in pending]:
            future.result()  # re-raises the first failure, as the sequential upload would

    local_plugin.LocalDispatcher._upload = staticmethod(upload)


if covalent is not None:
    _upload_assets_concurrently()


class BridgeError(Exception):
    """An error the editor turns into a message. `kind` says which."""

    def __init__(self, kind, message, **data):
        super().__init__(message)
        self.kind = kind
        self.data = data


class Cancelled(Exception):
    pass


# ---------------------------------------------------------------- protocol


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


def _log(text):
    sys.stderr.write(text.rstrip("\n") + "\n")
    sys.stderr.flush()


# ---------------------------------------------------------------- user modules


def _require_covalent():
    if covalent is None:
        raise BridgeError(
            "covalentMissing",
            "Covalent cannot be imported by %s." % sys.executable,
            traceback=covalent_import_error,
            executable=sys.executable,
        )


def _module_name(path):
    stem = os.path.splitext(os.path.basename(path))[0]
    return stem if stem.isidentifier() else "covalent_workflow_module"


def _load_module(path, source=None):
    """Imports the file afresh, as a module named after it, its folder first on
    sys.path, without running its `if __name__ == "__main__":` block. With
    `source`, the editor's unsaved buffer is used instead of the file."""
    path = os.path.abspath(path)
    folder = os.path.dirname(path)
    name = _module_name(path)
    with _import_lock:
        existing = sys.modules.get(name)
        if existing is not None and os.path.abspath(getattr(existing, "__file__", None) or "") != path:
            # A workflow file named like a module already loaded (json.py, random.py):
            # never replace that module, import the file under a name of its own.
            name = "covalent_workflow_" + name
        if folder in sys.path:
            sys.path.remove(folder)
        sys.path.insert(0, folder)
        # Forget the previous import and any cached source, so edits count.
        sys.modules.pop(name, None)
        linecache.cache.pop(path, None)
        linecache.checkcache()
        importlib.invalidate_caches()
        try:
            if source is None:
                if not os.path.isfile(path):
                    raise BridgeError("fileNotFound", "%s does not exist." % path, path=path)
                spec = importlib.util.spec_from_file_location(name, path)
                module = importlib.util.module_from_spec(spec)
                sys.modules[name] = module
                spec.loader.exec_module(module)
            else:
                module = types.ModuleType(name)
                module.__file__ = path
                sys.modules[name] = module
                # inspect.getsource (and so Covalent's function_string) reads linecache:
                # give it the buffer, not the file on disk.
                lines = source.splitlines(True)
                linecache.cache[path] = (len(source), None, lines, path)
                exec(compile(source, path, "exec"), module.__dict__)
        except BridgeError:
            raise
        except BaseException as error:  # noqa: BLE001 - SystemExit in user code too
            sys.modules.pop(name, None)
            text = traceback.format_exc()
            _log("Importing %s failed:\n%s" % (path, text))
            raise BridgeError(
                "importFailed",
                "%s failed to import: %s: %s" % (os.path.basename(path), type(error).__name__, error),
                traceback=text,
            )
        # The server must not need the user's file on its path to run the tasks.
        if cloudpickle is not None:
            try:
                cloudpickle.register_pickle_by_value(module)
            except Exception:  # noqa: BLE001 - older cloudpickle: pickled by reference
                pass
        return module


def _is_lattice(value):
    return Lattice is not None and isinstance(value, Lattice)


def _find_lattice(module, name):
    if not hasattr(module, name):
        lattices = sorted(key for key, value in vars(module).items() if _is_lattice(value))
        raise BridgeError(
            "latticeNotFound",
            "%s has no lattice named %r%s."
            % (
                os.path.basename(module.__file__),
                name,
                (" (lattices here: %s)" % ", ".join(lattices)) if lattices else " (it has no lattices)",
            ),
            lattice=name,
            available=lattices,
        )
    value = getattr(module, name)
    if not _is_lattice(value):
        raise BridgeError(
            "notALattice",
            "%r in %s is a %s, not a Covalent lattice (decorate it with @ct.lattice)."
            % (name, os.path.basename(module.__file__), type(value).__name__),
            lattice=name,
        )
    return value


def _electron_function(module, name):
    value = getattr(module, name, None)
    if value is None or not callable(value):
        raise BridgeError(
            "electronNotFound",
            "%s has no electron named %r." % (os.path.basename(module.__file__), name),
            electron=name,
        )
    return value


def _check_inputs_syntax(text):
    """Raises `inputSyntax` with the position in what the user typed."""
    stray = _stray_closing_bracket(text)
    if stray is not None:
        line, column, bracket = stray
        _raise_input_syntax(text, "unmatched %r" % bracket, line, column)
    try:
        ast.parse("_(%s\n)" % text, mode="eval")
    except SyntaxError as error:
        lines = text.splitlines() or [""]
        line = min((error.lineno or 1) - 1, len(lines) - 1)
        # The first line was prefixed with "_(": take those two characters back.
        column = (error.offset or 1) - 1 - (2 if line == 0 else 0)
        _raise_input_syntax(text, error.msg, line, max(0, min(column, len(lines[line]))))


def _stray_closing_bracket(text):
    """A `)`, `]` or `}` that closes nothing the user opened (it would close our
    own wrapping call, and Python would blame the wrong place)."""
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                if depth == 0:
                    return token.start[0] - 1, token.start[1], token.string
                depth -= 1
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return None


def _raise_input_syntax(text, reason, line, column):
    raise BridgeError(
        "inputSyntax",
        "The inputs are not valid Python call arguments: %s (line %d, column %d)." % (reason, line + 1, column + 1),
        line=line,
        column=column,
        text=text,
    )


def _evaluate_inputs(text, module):
    """`1, 2` or `a=1, b=[1, 2]` evaluated in the module's namespace."""
    text = (text or "").strip()
    if not text:
        return (), {}
    _check_inputs_syntax(text)
    namespace = dict(vars(module))
    namespace["__covalent_collect__"] = lambda *args, **kwargs: (args, kwargs)
    try:
        return eval("__covalent_collect__(%s\n)" % text, namespace)
    except Exception as error:  # noqa: BLE001
        raise BridgeError(
            "inputEvaluation",
            "Evaluating the inputs failed: %s: %s" % (type(error).__name__, error),
            traceback=traceback.format_exc(),
        )


# ---------------------------------------------------------------- SDK calls


def _sdk_call(what, function):
    """Runs an SDK call and names the common failures."""
    try:
        return function()
    except BridgeError:
        raise
    except Exception as error:  # noqa: BLE001
        text = traceback.format_exc()
        _log("%s failed:\n%s" % (what, text))
        if _is_connection_error(error):
            raise BridgeError("serverUnreachable", "%s: the Covalent server did not answer (%s)." % (what, error), traceback=text)
        response = getattr(error, "response", None)
        status = getattr(response, "status_code", None)
        if status is not None:
            body = ""
            try:
                body = response.text[:500]
            except Exception:  # noqa: BLE001
                pass
            raise BridgeError("serverError", "%s: the server answered %s %s" % (what, status, body), status=status, traceback=text)
        raise BridgeError("sdkError", "%s failed: %s: %s" % (what, type(error).__name__, error), traceback=text)


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


def handle_initialize(params, request_id):
    return {
        "protocolVersion": PROTOCOL_VERSION,
        "executable": sys.executable,
        "pythonVersion": "%d.%d.%d" % sys.version_info[:3],
        "covalentVersion": getattr(covalent, "__version__", None) if covalent else None,
        "covalentImportError": covalent_import_error,
        "pid": os.getpid(),
    }


def _prepare(params):
    _require_covalent()
    inputs = params.get("args") or ""
    if inputs.strip():
        _check_inputs_syntax(inputs.strip())  # before importing: nothing runs on bad syntax
    module = _load_module(params["file"], params.get("source"))
    lattice = _find_lattice(module, params["lattice"])
    args, kwargs = _evaluate_inputs(inputs, module)
    return lattice, args, kwargs


def handle_dispatch(params, request_id):
    lattice, args, kwargs = _prepare(params)
    address = _address(params)
    disable_run = bool(params.get("disableRun"))
    _direct_triggers(lattice, params.get("triggersServerAddress") or address)
    dispatch_id = _sdk_call(
        "Dispatch",
        lambda: covalent.dispatch(lattice, dispatcher_addr=address, disable_run=disable_run)(*args, **kwargs),
    )
    return {"dispatchId": dispatch_id}


def _direct_triggers(lattice, address):
    """Triggers without their own server register with the configured one (the
    SDK would use its config file's address, not the editor's setting)."""
    if not address:
        return
    host = address.split("://", 1)[-1].rstrip("/")  # the SDK prefixes "http://" itself
    for trigger in (getattr(lattice, "metadata", None) or {}).get("triggers") or []:
        if isinstance(trigger, dict) and not trigger.get("triggers_server_addr"):
            trigger["triggers_server_addr"] = host


def handle_dispatch_sync(params, request_id):
    dispatch_id = handle_dispatch(params, request_id)["dispatchId"]
    return dict(_wait_for_result(dispatch_id, _address(params), request_id, params.get("pollIntervalMs")), dispatchId=dispatch_id)


def handle_wait(params, request_id):
    _require_covalent()
    return dict(_wait_for_result(params["dispatchId"], _address(params), request_id, params.get("pollIntervalMs")), dispatchId=params["dispatchId"])


def _wait_for_result(dispatch_id, address, request_id, poll_ms):
    from covalent._results_manager.results_manager import get_result

    interval = max(float(poll_ms or 500) / 1000.0, 0.1)
    while True:
        if _is_cancelled(request_id):
            raise Cancelled()
        status = _sdk_call("Reading the status", lambda: get_result(dispatch_id, dispatcher_addr=address, status_only=True))["status"]
        if str(status) in TERMINAL_STATUSES:
            break
        time.sleep(interval)
    result = _sdk_call(
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
            except Exception:  # noqa: BLE001
                text = None
    error = getattr(result, "error", None)
    return {"status": str(status), "result": text, "error": str(error) if error else None}


def handle_redispatch(params, request_id):
    _require_covalent()
    if params.get("isPending"):
        # is_pending=True starts the saved (disable_run) dispatch itself.
        return handle_start_saved(params, request_id)
    address = _address(params)
    replace = params.get("replaceElectrons") or {}
    inputs = params.get("args")
    has_new_inputs = inputs is not None and inputs.strip() != ""
    if has_new_inputs:
        _check_inputs_syntax(inputs.strip())
    module = None
    if replace or has_new_inputs:
        if not params.get("file"):
            raise BridgeError(
                "fileRequired",
                "Replacing electrons or evaluating new inputs needs the workflow's file (uri).",
            )
        module = _load_module(params["file"], params.get("source"))
    replace_electrons = {task: _electron_function(module, electron) for task, electron in replace.items()}
    args, kwargs = _evaluate_inputs(inputs if has_new_inputs else "", module) if module else ((), {})
    options = {
        "dispatcher_addr": address,
        "replace_electrons": replace_electrons,
        "reuse_previous_results": bool(params.get("reusePreviousResults")),
    }
    new_id = _sdk_call("Redispatch", lambda: covalent.redispatch(params["dispatchId"], **options)(*args, **kwargs))
    return {"dispatchId": new_id}


def handle_start_saved(params, request_id):
    """Starts a dispatch saved with disable_run: `redispatch(..., is_pending=True)`
    where the SDK has it, else the same request the SDK's own `start` makes."""
    _require_covalent()
    address = _address(params)
    dispatch_id = params["dispatchId"]
    if "is_pending" in inspect.signature(covalent.redispatch).parameters:
        started = _sdk_call("Run saved dispatch", lambda: covalent.redispatch(dispatch_id, dispatcher_addr=address, is_pending=True)())
    else:
        from covalent._dispatcher_plugins.local import LocalDispatcher

        started = _sdk_call("Run saved dispatch", lambda: LocalDispatcher.start(dispatch_id, address))
    return {"dispatchId": started or dispatch_id}


def handle_cancel(params, request_id):
    _require_covalent()
    task_ids = [int(task) for task in (params.get("taskIds") or [])]
    answer = _sdk_call(
        "Cancel", lambda: covalent.cancel(params["dispatchId"], task_ids=task_ids or None, dispatcher_addr=_address(params))
    )
    return {"message": answer}


def handle_stop_triggers(params, request_id):
    _require_covalent()
    ids = list(params["dispatchIds"])
    address = (params.get("triggersServerAddress") or "").rstrip("/") or None
    _sdk_call("Stop triggers", lambda: covalent.stop_triggers(ids, triggers_server_addr=address))
    return {"stopped": ids}


def handle_electrons(params, request_id):
    """The electrons and lattices the file defines, with the source Covalent
    would store as their `function_string`."""
    _require_covalent()
    module = _load_module(params["file"], params.get("source"))
    electrons = []
    lattices = []
    for name, value in vars(module).items():
        if getattr(value, "__module__", None) != module.__name__ and not _is_lattice(value):
            continue
        if _is_lattice(value):
            lattices.append(name)
            continue
        if not callable(value) or not _is_electron_function(value):
            continue
        try:
            source = inspect.getsource(value)
        except (OSError, TypeError):
            source = None
        electrons.append({"name": name, "source": source})
    return {"electrons": electrons, "lattices": lattices}


def _is_electron_function(value):
    # @ct.electron returns a functools.wraps wrapper whose closure holds the Electron.
    if Electron is None:
        return False
    if isinstance(value, Electron):
        return True
    for cell in getattr(value, "__closure__", None) or ():
        try:
            if isinstance(cell.cell_contents, Electron):
                return True
        except ValueError:
            continue
    return False


def handle_check_inputs(params, request_id):
    text = (params.get("args") or "").strip()
    if text:
        _check_inputs_syntax(text)
    return {"ok": True}


HANDLERS = {
    "initialize": handle_initialize,
    "dispatch": handle_dispatch,
    "dispatchSync": handle_dispatch_sync,
    "waitForResult": handle_wait,
    "redispatch": handle_redispatch,
    "startSaved": handle_start_saved,
    "cancel": handle_cancel,
    "stopTriggers": handle_stop_triggers,
    "electrons": handle_electrons,
    "checkInputs": handle_check_inputs,
}

# JSON-RPC error codes: the application's own range, and LSP's "request cancelled".
BRIDGE_ERROR = -32000
REQUEST_CANCELLED = -32800


def _is_cancelled(request_id):
    with _cancelled_lock:
        return request_id in _cancelled


def _serve(message):
    request_id = message.get("id")
    method = message.get("method")
    handler = HANDLERS.get(method)
    try:
        if handler is None:
            raise BridgeError("unknownMethod", "The bridge has no method %r." % method)
        result = handler(message.get("params") or {}, request_id)
        response = {"jsonrpc": "2.0", "id": request_id, "result": result}
    except Cancelled:
        response = {"jsonrpc": "2.0", "id": request_id, "error": {"code": REQUEST_CANCELLED, "message": "cancelled"}}
    except BridgeError as error:
        response = {
            "jsonrpc": "2.0",
            "id": request_id,
            "error": {"code": BRIDGE_ERROR, "message": str(error), "data": dict(error.data, kind=error.kind)},
        }
    except BaseException as error:  # noqa: BLE001 - report, never die on one request
        text = traceback.format_exc()
        _log("%s failed:\n%s" % (method, text))
        response = {
            "jsonrpc": "2.0",
            "id": request_id,
            "error": {"code": BRIDGE_ERROR, "message": "%s: %s" % (type(error).__name__, error), "data": {"kind": "internal", "traceback": text}},
        }
    finally:
        with _cancelled_lock:
            _cancelled.discard(request_id)
    if request_id is not None:
        _send(response)


def main():
    _log(
        "Covalent bridge %s started: Python %s (%s), covalent %s"
        % (os.getpid(), sys.version.split()[0], sys.executable, getattr(covalent, "__version__", "NOT importable"))
    )
    while True:
        message = _read_message()
        if message is None:
            return  # the editor closed our stdin: exit quietly
        method = message.get("method")
        if method == "$/cancelRequest":
            with _cancelled_lock:
                _cancelled.add((message.get("params") or {}).get("id"))
            continue
        if method == "exit":
            return
        if "id" not in message:
            continue  # other notifications: nothing to do
        threading.Thread(target=_serve, args=(message,), daemon=True).start()


if __name__ == "__main__":
    main()
