"""Importing the user's workflow files, and finding lattices and electrons in them."""

import importlib.util
import inspect
import linecache
import os
import sys
import threading
import traceback
import types

from . import runtime
from .errors import BridgeError, log
from .protocol import handler

# Importing user files touches sys.path, sys.modules and linecache: one at a time.
_import_lock = threading.Lock()


def _module_name(path):
    stem = os.path.splitext(os.path.basename(path))[0]
    return stem if stem.isidentifier() else "covalent_workflow_module"


def load_module(path, source=None):
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
            log("Importing %s failed:\n%s" % (path, text))
            raise BridgeError(
                "importFailed",
                "%s failed to import: %s: %s" % (os.path.basename(path), type(error).__name__, error),
                traceback=text,
            )
        # The server must not need the user's file on its path to run the tasks.
        if runtime.cloudpickle is not None:
            try:
                runtime.cloudpickle.register_pickle_by_value(module)
            except Exception:  # noqa: BLE001 - older cloudpickle: pickled by reference
                pass
        return module


def find_lattice(module, name):
    if not hasattr(module, name):
        lattices = sorted(key for key, value in vars(module).items() if runtime.is_lattice(value))
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
    if not runtime.is_lattice(value):
        raise BridgeError(
            "notALattice",
            "%r in %s is a %s, not a Covalent lattice (decorate it with @ct.lattice)."
            % (name, os.path.basename(module.__file__), type(value).__name__),
            lattice=name,
        )
    return value


def electron_function(module, name):
    value = getattr(module, name, None)
    if value is None or not callable(value):
        raise BridgeError(
            "electronNotFound",
            "%s has no electron named %r." % (os.path.basename(module.__file__), name),
            electron=name,
        )
    return value


@handler("electrons")
def handle_electrons(params, request_id):
    """The electrons and lattices the file defines, with the source Covalent
    would store as their `function_string`."""
    runtime.require_covalent()
    module = load_module(params["file"], params.get("source"))
    electrons = []
    lattices = []
    for name, value in vars(module).items():
        if getattr(value, "__module__", None) != module.__name__ and not runtime.is_lattice(value):
            continue
        if runtime.is_lattice(value):
            lattices.append(name)
            continue
        if not callable(value) or not runtime.is_electron_function(value):
            continue
        try:
            source = inspect.getsource(value)
        except (OSError, TypeError):
            source = None
        electrons.append({"name": name, "source": source})
    return {"electrons": electrons, "lattices": lattices}
