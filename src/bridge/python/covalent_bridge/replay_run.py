"""Running one prepared task, in a process of its own (see replay): the code of
the runner program `replay_runner.py`, and what preparing a replay in the bridge
shares with it (loading a recorded value, finding the task's function).

It imports no module that answers requests: the runner loads the task's
function and inputs, calls it and writes the outcome file the bridge reads.
"""

import base64
import importlib.metadata
import json
import os
import pickletools
import platform
import sys
import traceback

from . import runtime, sources, workflow
from .errors import BridgeError

_PACKAGE_FOLDER = os.path.join(os.path.dirname(os.path.realpath(__file__)), "")
# Results longer than this are cut in the outcome (the editor shows a message, not a file).
RESULT_CHARS = 100_000


def run_bundle(bundle_path, debugging=False):
    """The runner's work: load the function and the inputs, call it, write the
    outcome. Under a debugger an exception is raised on after the outcome is
    written, so the debugger stops where it was raised."""
    with open(bundle_path, encoding="utf-8") as file:
        bundle = json.load(file)
    function = _bundle_function(bundle)
    args = [load_value(path, "an input") for path in bundle["args"]]
    kwargs = {key: load_value(path, "input %s" % key) for key, path in bundle["kwargs"].items()}
    try:
        result = call_task(function, args, kwargs)
    except BaseException as error:  # the task's failure is the outcome (raised on under a debugger)
        _write_outcome(bundle, _failed(bundle, error))
        if debugging:
            raise
        return 1
    _write_outcome(bundle, _completed(bundle, result))
    return 0


def call_task(function, args, kwargs):
    # The task's own frames start below this one.
    return function(*args, **kwargs)


def _bundle_function(bundle):
    spec = bundle["function"]
    if spec.get("stored"):
        # Breakpoints and tracebacks in the stored function then name the user's file.
        return sources.with_file(load_value(spec["stored"], "the stored function"), spec.get("file"))
    module = workflow.load_from_params(spec["source"], [spec["name"]])
    return task_function(module, spec["name"])


def _completed(bundle, result):
    text = safe_str(result)
    outcome = {"status": "completed", "result": short(text, RESULT_CHARS), "resultType": type(result).__name__}
    server_output = bundle.get("serverOutput")
    if bundle.get("serverStatus") == "COMPLETED" and server_output:
        outcome["sameAsServer"] = _same_as_server(result, text, server_output)
    elif bundle.get("serverStatus"):
        outcome["sameAsServer"] = False
    return outcome


def _same_as_server(result, text, server_output):
    from covalent._workflow.transportable_object import TransportableObject

    with open(server_output, "rb") as file:
        recorded = TransportableObject.deserialize(file.read())
    try:
        equal = result == recorded.get_deserialized()
        if isinstance(equal, bool):
            return equal
    except Exception:  # noqa: BLE001 - not comparable here: compare the printed forms
        pass
    return text == recorded.object_string


def _failed(bundle, error):
    frames = [
        traceback.FrameSummary(path or frame.f_code.co_filename, line, name)
        for path, line, name, frame in sources.frames_of(error.__traceback__)
        if not os.path.realpath(path or frame.f_code.co_filename).startswith(_PACKAGE_FOLDER)
    ]
    summary = "".join(traceback.format_exception_only(type(error), error)).strip()
    text = "Traceback (most recent call last):\n" + "".join(traceback.format_list(frames)) + summary + "\n" if frames else summary + "\n"
    return {
        "status": "failed",
        "error": summary,
        "errorType": type(error).__name__,
        "traceback": text,
        "frames": [{"file": os.path.realpath(frame.filename), "line": frame.lineno, "function": frame.name} for frame in frames],
    }


def _write_outcome(bundle, outcome):
    with open(bundle["outcome"], "w", encoding="utf-8") as file:
        json.dump(outcome, file, default=str)


# ---------------------------------------------------------------- shared with preparing (in the bridge)


def load_value(path, what, stored=False):
    """A TransportableObject archive from the bundle, unpickled; a failure says
    what is missing here (a module, another version of a library)."""
    from covalent._workflow.transportable_object import TransportableObject

    with open(path, "rb") as file:
        archive = file.read()
    return unpickle(TransportableObject.deserialize(archive), what, stored)


def unpickle(transportable, what, stored=False):
    """A TransportableObject's value; a failure says what is missing here."""
    try:
        return transportable.get_deserialized()
    except BaseException as error:  # whatever unpickling raises is explained
        raise _unpickling_problem(error, transportable, what, stored) from error


def _unpickling_problem(error, transportable, what, stored):
    header = getattr(transportable, "header", {}) or {}
    recorded = "pickled with Python %s and cloudpickle %s" % (header.get("py_version", "?"), header.get("cloudpickle_version", "?"))
    here = "this interpreter (%s) has Python %s and cloudpickle %s" % (
        sys.executable,
        platform.python_version(),
        getattr(runtime.cloudpickle, "__version__", "?"),
    )
    libraries = _pickled_libraries(transportable)
    installed = ", ".join("%s %s" % (name, version_of(name) or "(not installed)") for name in libraries)
    missing = getattr(error, "name", None) if isinstance(error, ImportError) else None
    if missing:
        message = "%s needs the module %r, which %s cannot import: install it there (%s; %s)." % (
            what,
            missing,
            sys.executable,
            recorded,
            here,
        )
    else:
        message = "%s cannot be unpickled here: %s: %s. It was %s; %s%s." % (
            what,
            type(error).__name__,
            error,
            recorded,
            here,
            (" (it uses %s)" % installed) if installed else "",
        )
    if stored:
        message += " Run the workspace's version of the function instead."
    return BridgeError(
        "notUnpicklable",
        message,
        module=missing,
        libraries=libraries,
        traceback=traceback.format_exc(),
    )


def _pickled_libraries(transportable):
    """Top-level modules the pickle refers to by name (not the standard library)."""
    try:
        data = base64.b64decode(transportable._object.encode("utf-8"))
        names = set()
        strings = []
        for opcode, argument, _ in pickletools.genops(data):
            if opcode.name in ("GLOBAL", "INST") and isinstance(argument, str):
                names.add(argument.split(" ", 1)[0].split(".", 1)[0])
            elif isinstance(argument, str):
                strings.append(argument)
            if opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
                names.add(strings[-2].split(".", 1)[0])
    except Exception:  # noqa: BLE001 - a damaged pickle names nothing
        return []
    stdlib = getattr(sys, "stdlib_module_names", ())
    return sorted(name for name in names if name and name not in stdlib and name not in ("builtins", "__main__", "copyreg", "cloudpickle"))


def version_of(name):
    try:
        return importlib.metadata.version(name)
    except Exception:  # noqa: BLE001 - not installed, or not a distribution of that name
        return None


def task_function(module, name):
    """The plain function of the electron `name` in `module` (the one Covalent
    runs on the server, not the decorator's wrapper that builds a graph)."""
    value = getattr(module, name, None)
    if value is None or not callable(value):
        raise BridgeError(
            "electronNotFound",
            "%s has no electron named %r any more: the function the server stored can run instead (useStoredFunction)."
            % (os.path.basename(getattr(module, "__file__", "") or "the module"), name),
            electron=name,
        )
    electron = runtime.electron_of(value)
    return electron.function if electron is not None else value


def safe_str(value):
    try:
        return str(value)
    except Exception as error:  # noqa: BLE001 - a value whose __str__ raises
        return "<%s: str() raised %s>" % (type(value).__name__, error)


def short(text, limit):
    return text if len(text) <= limit else text[:limit] + "…"
