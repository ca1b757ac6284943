"""Importing the user's code the way Python would, and finding lattices and
electrons in it.

A workflow file inside a package (folders with `__init__.py`) is imported under
its dotted name with the package's root first on `sys.path`, as
`python -m pkg.flow` run from that root would; a flat file under its own name
with its folder first. The workspace folder follows on `sys.path` and is the
working directory. Before each import every module the user's code imported
earlier (anything not an installed library) is forgotten, so an edit to any
module of the project counts at the next dispatch. The project's modules (under
the workspace folder, not the standard library or site-packages) are then
registered with cloudpickle to be pickled by value — before their code runs,
since Covalent pickles a lattice when it is decorated (a sublattice is never
pickled again on this side) — so the server and its workers need none of the
user's files.
"""

import contextlib
import importlib
import importlib.machinery
import importlib.util
import linecache
import os
import site
import sys
import sysconfig
import threading
import traceback
import types

from . import runtime, sources
from .errors import BridgeError, log

# Importing user files touches sys.path, sys.modules, linecache and the working
# directory: one at a time.
_import_lock = threading.Lock()

# What the bridge itself runs with: kept across imports of user code.
# (Not the bridge's own folder, on it in the fork server: see isolation.)
_BASE_PATH = [entry for entry in sys.path if os.path.realpath(entry or os.curdir) != os.path.dirname(os.path.dirname(os.path.realpath(__file__)))]
_BASE_MODULES = frozenset(sys.modules)
BRIDGE_FOLDER = os.path.dirname(os.path.realpath(__file__))
_STDLIB_NAMES = frozenset(getattr(sys, "stdlib_module_names", ()))


def _library_folders():
    """Where installed code lives: the standard library and every site-packages."""
    folders = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            folders.add(path)
    try:
        folders.update(site.getsitepackages())
    except AttributeError:  # some virtualenv layouts
        pass
    try:
        folders.add(site.getusersitepackages())
    except AttributeError:
        pass
    folders.add(BRIDGE_FOLDER)
    return tuple(sorted({os.path.join(os.path.realpath(folder), "") for folder in folders}))


_LIBRARY_FOLDERS = _library_folders()


def _module_file(module):
    file = getattr(module, "__file__", None)
    if file:
        return os.path.realpath(file)
    spec = getattr(module, "__spec__", None)
    locations = list(getattr(spec, "submodule_search_locations", None) or [])
    return os.path.realpath(locations[0]) if locations else None


def is_library_file(path):
    parts = path.split(os.sep)
    return path.startswith(_LIBRARY_FOLDERS) or "site-packages" in parts or "dist-packages" in parts


def _under(path, folder):
    return path == folder or path.startswith(os.path.join(folder, ""))


class Project:
    """Where a workflow file sits: its workspace folder (the project's root,
    the working directory), the folder that goes first on `sys.path`, and the
    name the file is imported under."""

    def __init__(self, path, workspace_folders):
        self.path = os.path.realpath(path)
        folders = [os.path.realpath(folder) for folder in workspace_folders or () if folder]
        containing = [folder for folder in folders if _under(self.path, folder)]
        # Package: climb while the folder has an __init__.py.
        folder = os.path.dirname(self.path)
        parts = [os.path.splitext(os.path.basename(self.path))[0]]
        while os.path.isfile(os.path.join(folder, "__init__.py")) and os.path.dirname(folder) != folder:
            parts.insert(0, os.path.basename(folder))
            folder = os.path.dirname(folder)
        self.import_root = folder
        self.in_package = len(parts) > 1 and all(part.isidentifier() for part in parts)
        self.module_name = ".".join(parts) if self.in_package else None
        # A file outside every workspace folder is its own project: its package root
        # (or its folder) stands in for the workspace folder.
        self.root = max(containing, key=len) if containing else self.import_root
        if _under(self.root, self.import_root):
            # The workspace folder is inside the package tree: the whole tree is the project.
            self.root = self.import_root
        # Every workspace folder is importable (a multi-root workspace's other roots too).
        self.search_path = [self.import_root] + [root for root in [self.root] + folders if root != self.import_root]

    def owns(self, path):
        """A module file that belongs to the user's project (shipped by value)."""
        return _under(path, self.root) and not is_library_file(path)


def _register_by_value(module):
    if runtime.cloudpickle is None:
        return
    try:
        runtime.cloudpickle.register_pickle_by_value(module)
    except Exception:  # noqa: BLE001 - not in sys.modules, older cloudpickle: pickled by reference
        pass


class _ProjectLoader(importlib.machinery.SourceFileLoader):
    """Registers a project module to be pickled by value before its code runs."""

    def exec_module(self, module):
        _register_by_value(module)
        super().exec_module(module)


class _ProjectFinder:
    """Finds modules as Python's path finder would; the project's own source
    files get the loader above. First on `sys.meta_path`, it claims nothing else."""

    project = None

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        project = cls.project
        if project is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        origin = getattr(spec, "origin", None)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader) or not origin:
            return None  # the finders after this one decide, as without it
        if not project.owns(os.path.realpath(origin)):
            return None
        return importlib.util.spec_from_file_location(
            name, origin, loader=_ProjectLoader(name, origin), submodule_search_locations=spec.submodule_search_locations
        )

    @classmethod
    def invalidate_caches(cls):
        pass


def _install_finder(project):
    _ProjectFinder.project = project
    if _ProjectFinder not in sys.meta_path:
        sys.meta_path.insert(0, _ProjectFinder)


def _forget_user_modules():
    """Drops every module the user's code imported before (not the bridge's, not
    installed libraries) so the next import reads the files as they are now."""
    forgotten = set()
    fileless = []
    for name, module in list(sys.modules.items()):
        if name in _BASE_MODULES or module is None:
            continue
        file = _module_file(module)
        if file is None:
            fileless.append(name)  # made at run time: forgotten with its package only
        elif not is_library_file(file):
            sys.modules.pop(name, None)
            forgotten.add(name.partition(".")[0])
    for name in fileless:
        if name.partition(".")[0] in forgotten:
            sys.modules.pop(name, None)


def _flat_module_name(path):
    stem = os.path.splitext(os.path.basename(path))[0]
    name = stem if stem.isidentifier() else "covalent_workflow_module"
    existing = sys.modules.get(name)
    if existing is not None:
        # A workflow file named like a module already loaded (json.py, random.py):
        # never replace that module, import the file under a name of its own.
        name = "covalent_workflow_" + name
    return name


def load_module(path, source=None, workspace_folders=None):
    """Imports the workflow file afresh, without running its
    `if __name__ == "__main__":` block, and registers the project's modules to be
    pickled by value. With `source`, the editor's unsaved buffer is used instead
    of the file."""
    if not os.path.isfile(path) and source is None:
        raise BridgeError("fileNotFound", "%s does not exist." % path, path=path)
    project = Project(path, workspace_folders)
    with entered(project):
        name = project.module_name or _flat_module_name(path)
        try:
            module = _import(project, name, source)
        except BridgeError:
            raise
        except BaseException as error:  # SystemExit in user code too
            text = traceback.format_exc()
            problem = pickling_problem("%s: %s" % (type(error).__name__, error), text)
            _forget_user_modules()
            if problem is not None:
                raise problem from error
            log("Importing %s failed:\n%s" % (path, text))
            raise BridgeError(
                "importFailed",
                "%s failed to import: %s: %s%s%s"
                % (os.path.basename(path), type(error).__name__, error, _shadowing_hint(project, error), stdin_hint(error)),
                traceback=text,
            ) from error
        register_project_modules(project)
        remember_project_sources(project)
        return module


@contextlib.contextmanager
def entered(project):
    """The project as the user's code sees it while it runs (one at a time): its
    folders first on `sys.path`, its root the working directory, its modules
    read afresh, each registered to be pickled by value as it loads."""
    with _import_lock:
        _forget_user_modules()
        sys.path[:] = project.search_path + [entry for entry in _BASE_PATH if entry not in project.search_path]
        os.chdir(project.root)
        _install_finder(project)
        linecache.checkcache()
        importlib.invalidate_caches()
        yield


def register_project_modules(project):
    """Registers the project's loaded modules to be pickled by value (also those imported some other way)."""
    for loaded in _project_modules(project):
        _register_by_value(loaded)


def remember_project_sources(project):
    """Indexes where the project's loaded code is written, before anything pickles it (see sources)."""
    for loaded in _project_modules(project):
        sources.remember_module(loaded)


def _import(project, name, source):
    if source is None:
        if project.in_package:
            return importlib.import_module(name)
        spec = importlib.util.spec_from_file_location(name, project.path, loader=_ProjectLoader(name, project.path))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    # The editor's unsaved text, as the module it would be on disk.
    parent = name.rpartition(".")[0]
    if parent:
        importlib.import_module(parent)
    spec = importlib.util.spec_from_loader(name, loader=None, origin=project.path)
    module = importlib.util.module_from_spec(spec)
    module.__file__ = project.path
    module.__package__ = parent
    sys.modules[name] = module
    _register_by_value(module)
    if parent:
        setattr(sys.modules[parent], name.rpartition(".")[2], module)
    # inspect.getsource (and so Covalent's function_string) reads linecache:
    # give it the buffer, not the file on disk.
    linecache.cache[project.path] = (len(source), None, source.splitlines(True), project.path)
    try:
        exec(compile(source, project.path, "exec"), module.__dict__)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _project_modules(project):
    modules = []
    for name, module in list(sys.modules.items()):
        if module is None or name in _BASE_MODULES:
            continue
        file = _module_file(module)
        if file is not None and project.owns(file):
            modules.append(module)
    return modules


def stdin_hint(error):
    """input() at import reads an empty standard input (a dispatch has no terminal): say so."""
    if not isinstance(error, EOFError):
        return ""
    return (
        " (the file reads standard input at import, with input() or sys.stdin, and a dispatch has none: "
        'move that under `if __name__ == "__main__":`, or pass the value as an input of the lattice)'
    )


def _shadowing_hint(project, error):
    """A project module named like a standard library module loses to the one
    Python has already imported: say so instead of leaving a puzzling ImportError."""
    if not isinstance(error, (ImportError, AttributeError)):
        return ""
    shadows = []
    for folder in project.search_path:
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        for entry in entries:
            stem = entry[:-3] if entry.endswith(".py") else entry
            if stem in _STDLIB_NAMES and (entry.endswith(".py") or os.path.isfile(os.path.join(folder, entry, "__init__.py"))):
                shadows.append(os.path.join(folder, entry))
    if not shadows:
        return ""
    return " (%s %s the standard library's module of that name, which Python imports instead: rename %s)" % (
        ", ".join(os.path.relpath(shadow, project.root) for shadow in sorted(shadows)),
        "shadows" if len(shadows) == 1 else "shadow",
        "it" if len(shadows) == 1 else "them",
    )


def _title(module):
    """The file a module's code is from, for messages: a notebook's for a notebook's `__main__`."""
    return os.path.basename(getattr(module, "__file__", None) or module.__dict__.get("__vsc_ipynb_file__") or module.__name__)


def find_lattice(module, name):
    if not hasattr(module, name):
        lattices = sorted(key for key, value in vars(module).items() if runtime.is_lattice(value))
        raise BridgeError(
            "latticeNotFound",
            "%s has no lattice named %r%s."
            % (
                _title(module),
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
            "%r in %s is a %s, not a Covalent lattice (decorate it with @ct.lattice)." % (name, _title(module), type(value).__name__),
            lattice=name,
        )
    return value


def electron_function(module, name):
    value = getattr(module, name, None)
    if value is None or not callable(value):
        raise BridgeError(
            "electronNotFound",
            "%s has no electron named %r." % (_title(module), name),
            electron=name,
        )
    return value


def enter_workspace(workspace_folders):
    """For work without a workflow file (redispatching a dispatch made elsewhere):
    the workspace folders importable and the first one the working directory,
    as for a dispatch from there."""
    folders = [os.path.realpath(folder) for folder in workspace_folders or () if folder and os.path.isdir(folder)]
    with _import_lock:
        _forget_user_modules()
        _ProjectFinder.project = None
        sys.path[:] = folders + [entry for entry in _BASE_PATH if entry not in folders]
        if folders:
            os.chdir(folders[0])
        importlib.invalidate_caches()


def pickling_problem(message, text):
    """A project value that cannot be pickled stops the workflow's code from being
    shipped (Covalent pickles lattices when decorated, and tasks at dispatch):
    name it and say what to do, instead of cloudpickle's bare TypeError. None
    when that is not the problem."""
    if "pickle" not in message.lower():
        return None
    culprits = unpicklable_values()
    if not culprits:
        return None
    names = ", ".join("%s in %s (a %s)" % (name, file, kind) for file, name, kind in culprits)
    return BridgeError(
        "notPicklable",
        "The project's code cannot be shipped with the workflow: %s cannot be pickled (%s), and the functions that "
        "use it travel by value together with the values they use. Create it inside the function that needs it "
        "(or in the electron), or pass what it holds as an input." % (names, message.split(": ", 1)[-1]),
        traceback=text,
        names=[name for _, name, _ in culprits],
    )


def unpicklable_values(limit=5):
    """Module-level values of the project that cannot be pickled: the functions
    that use them cannot be shipped by value. `(file, name, type)` each."""
    project = _ProjectFinder.project
    if project is None or runtime.cloudpickle is None:
        return []
    found = []
    for module in _project_modules(project):
        for name, value in list(vars(module).items()):
            if name.startswith("__") or isinstance(value, (types.ModuleType, types.FunctionType, type)) or runtime.is_lattice(value):
                continue
            try:
                runtime.cloudpickle.dumps(value)
            except Exception:  # noqa: BLE001 - whatever pickling raises, it cannot be shipped
                found.append((os.path.relpath(_module_file(module), project.root), name, type(value).__name__))
                if len(found) >= limit:
                    return found
    return found
