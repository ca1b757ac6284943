"""Where tasks run: the executor plugins this interpreter has, and the editor's
choice of executors applied to a workflow at dispatch, without editing its code.

Covalent 0.240 keeps an executor in metadata: a task node's `executor` (the
plugin's short name) and `executor_data` (`{}` for a bare name, which the server
fills from its own configuration; else the executor object's `to_dict()`), and the
lattice's `executor` (for electrons that name none) and `workflow_executor`
(post-processing, arithmetic on electrons, building sublattices). A sublattice's
graph is built on the server from a copy of its parent's lattice metadata that
the parent's graph carries as a parameter.

A choice is applied while the lattice's graph is built (`Lattice.build_graph`,
which both `dispatch` and a redispatch that rebuilds call): before, the lattice's
executors, so electrons without their own and sublattices inherit it; after,
every chosen task node. Inside a sublattice, an electron that names its own
executor keeps it: that graph is built on the server, from the stored function.

Every build (with a choice or not) leaves the electron objects as written:
Covalent writes the lattice's executor into each electron that names none, and
the electrons of installed libraries outlive a request in this long-lived process.
"""

import contextlib
import inspect
import json
import sys
import threading

from . import runtime
from .errors import BridgeError
from .protocol import handler

# Packages that provide the executor plugins Covalent publishes, by short name:
# named when a profile asks for one this interpreter lacks.
PLUGIN_PACKAGES = {
    "awsbatch": "covalent-awsbatch-plugin",
    "awslambda": "covalent-awslambda-plugin",
    "azurebatch": "covalent-azurebatch-plugin",
    "braket": "covalent-braket-plugin",
    "ec2": "covalent-ec2-plugin",
    "ecs": "covalent-ecs-plugin",
    "gcpbatch": "covalent-gcpbatch-plugin",
    "k8s": "covalent-kubernetes-plugin",
    "slurm": "covalent-slurm-plugin",
    "ssh": "covalent-ssh-plugin",
}

# Helper nodes Covalent adds around an electron call take that electron's executor:
# collections built for its inputs (before it), items and attributes of its output (after it).
_INPUT_HELPERS = (":electron_list:", ":electron_dict:", ":parameter:")
_OUTPUT_HELPERS = (":subscripted:", ":attribute:", ":generated:")
_SUBLATTICE = ":sublattice:"


def _plugins():
    """Short name → plugin class, for the plugins that can run tasks (not abstract bases)."""
    from covalent.executor import _executor_manager

    return {name: cls for name, cls in _executor_manager.executor_plugins_map.items() if not inspect.isabstract(cls)}


@handler("executorPlugins")
def handle_plugins(params, request_id):
    """The executor plugins installed in this interpreter, with their constructor's parameters."""
    runtime.require_covalent()
    plugins = []
    for name, cls in sorted(_plugins().items()):
        parameters = []
        try:
            signature = inspect.signature(cls.__init__)
        except (TypeError, ValueError):
            signature = None
        for parameter in list(signature.parameters.values())[1:] if signature else []:
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            default = None if parameter.default is parameter.empty else _jsonable(parameter.default)
            parameters.append({"name": parameter.name, "default": default, "required": parameter.default is parameter.empty})
        doc = (inspect.getdoc(cls) or "").strip().splitlines()
        plugins.append({"name": name, "className": cls.__name__, "description": doc[0] if doc else "", "parameters": parameters})
    return {"plugins": plugins}


def _jsonable(value):
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)


class Executor:
    """One resolved choice: what a task node's metadata gets."""

    def __init__(self, label, name, data):
        self.label = label
        self.name = name
        self.data = data

    def metadata(self):
        return {"executor": self.name, "executor_data": dict(self.data)}

    def lattice_metadata(self):
        """A lattice's executors: for its electrons that name none, and its workflow executor."""
        return dict(self.metadata(), workflow_executor=self.name, workflow_executor_data=dict(self.data))


def resolve(spec):
    """`{label, plugin, args, profile}` → an Executor, or a BridgeError that says
    what is wrong (a plugin this interpreter lacks, arguments the plugin refuses)."""
    label = spec.get("label") or spec.get("plugin")
    name = spec.get("plugin")
    args = spec.get("args") or {}
    profile = bool(spec.get("profile"))
    plugins = _plugins()
    cls = plugins.get(name)
    if cls is None:
        installed = ", ".join(sorted(plugins)) or "none"
        package = PLUGIN_PACKAGES.get(name, "covalent-%s-plugin" % name)
        if profile:
            message = "The executor profile %r names the plugin %r, which is not installed in %s (installed: %s). Install it: pip install %s" % (
                label,
                name,
                _interpreter(),
                installed,
                package,
            )
        else:
            message = "%r is neither a profile of the covalent.executors setting nor an executor plugin installed in %s (installed: %s)%s." % (
                name,
                _interpreter(),
                installed,
                (" — for the plugin, pip install %s" % package) if name in PLUGIN_PACKAGES else "",
            )
        raise BridgeError("executorNotInstalled", message, executor=label, plugin=name, profile=profile, package=package, installed=sorted(plugins))
    if not args:
        # A bare short name: the server builds the plugin with its own settings, as
        # it does for `executor="dask"` written in code.
        return Executor(label, name, {})
    try:
        executor = cls(**args)
        data = executor.to_dict()
        json.dumps(data)
    except Exception as error:  # the plugin's own words are the message
        who = "The executor profile %r (%s)" % (label, cls.__name__) if profile else cls.__name__
        raise BridgeError(
            "executorArguments",
            "%s refuses the arguments %s: %s: %s" % (who, _arguments(args), type(error).__name__, error),
            executor=label,
            plugin=name,
        ) from error
    return Executor(label, data.get("short_name") or name, data)


def _arguments(args):
    return ", ".join("%s=%r" % item for item in sorted(args.items()))


def _interpreter():
    return sys.executable


class Choice:
    """Where the user chose to run a workflow: everything (`all`), and/or named electrons."""

    def __init__(self, everything, electrons):
        self.everything = everything
        self.electrons = electrons

    @classmethod
    def from_params(cls, params):
        """None when no choice was made; a choice of nothing builds the graph as written."""
        requested = params.get("executors")
        if requested is None:
            return None
        everything = requested.get("all")
        electrons = requested.get("electrons") or {}
        runtime.require_covalent()
        return cls(resolve(everything) if everything else None, {name: resolve(spec) for name, spec in electrons.items()})

    def before_build(self, lattice):
        if self.everything is None:
            return
        lattice.metadata.update(self.everything.lattice_metadata())

    def after_build(self, lattice):
        graph = lattice.transport_graph._graph
        if self.everything is not None:
            for node in graph.nodes:
                graph.nodes[node]["metadata"].update(self.everything.metadata())
        if not self.electrons:
            return
        names = {graph.nodes[node]["name"]: node for node in graph.nodes}
        missing = [name for name in self.electrons if name not in names and _SUBLATTICE + name not in names]
        if missing:
            tasks = sorted({_task_name(name) for name in names if _is_task(name)})
            raise BridgeError(
                "electronNotInWorkflow",
                "%s has no task named %s (its tasks: %s; an electron that runs inside a sublattice is chosen with its sublattice)."
                % (lattice.__name__, ", ".join(missing), ", ".join(tasks)),
                missing=missing,
                tasks=tasks,
            )
        for node in graph.nodes:
            name = _task_name(graph.nodes[node]["name"])
            executor = self.electrons.get(name)
            if executor is None or not _is_task(graph.nodes[node]["name"]):
                continue
            self._assign(graph, node, executor)

    def _assign(self, graph, node, executor):
        graph.nodes[node]["metadata"].update(executor.metadata())
        for before in graph.predecessors(node):
            if graph.nodes[before]["name"].startswith(_INPUT_HELPERS):
                self._assign_helpers(graph, before, executor, graph.predecessors)
        for after in graph.successors(node):
            if graph.nodes[after]["name"].startswith(_OUTPUT_HELPERS):
                self._assign_helpers(graph, after, executor, graph.successors)
        if graph.nodes[node]["name"].startswith(_SUBLATTICE):
            _sublattice_inherits(graph, node, executor)

    def _assign_helpers(self, graph, node, executor, neighbours):
        graph.nodes[node]["metadata"].update(executor.metadata())
        helpers = _INPUT_HELPERS if neighbours == graph.predecessors else _OUTPUT_HELPERS
        for neighbour in neighbours(node):
            if graph.nodes[neighbour]["name"].startswith(helpers):
                self._assign_helpers(graph, neighbour, executor, neighbours)


def _task_name(node_name):
    return node_name[len(_SUBLATTICE) :] if node_name.startswith(_SUBLATTICE) else node_name


def _is_task(node_name):
    return not node_name.startswith(":") or node_name.startswith(_SUBLATTICE)


def _sublattice_inherits(graph, node, executor):
    """A sublattice's electrons that name no executor run where its parent's
    metadata says: the copy its graph node carries (the `json_parent_metadata`
    parameter) gets the chosen executor."""
    from covalent._workflow.transport import TransportableObject

    for before in graph.predecessors(node):
        edges = graph.get_edge_data(before, node) or {}
        if not any(edge.get("edge_name") == "json_parent_metadata" for edge in edges.values()):
            continue
        attributes = graph.nodes[before]
        parent = json.loads(attributes["value"].get_deserialized())
        parent.update(executor.lattice_metadata())
        attributes["value"] = TransportableObject(json.dumps(parent))


_local = threading.local()


@contextlib.contextmanager
def applied(choice):
    """While entered (in this request's thread), graphs the SDK builds get `choice`."""
    _local.choice = choice
    try:
        yield
    finally:
        _local.choice = None


def _install_build_hook():
    Lattice = runtime.Lattice
    original = Lattice.build_graph
    if getattr(original, "_applies_executor_choice", False):
        return

    def build_graph(self, *args, **kwargs):
        with _electrons_left_as_written():
            choice = getattr(_local, "choice", None)
            if choice is None:
                return original(self, *args, **kwargs)
            _local.choice = None  # nested builds (none happen on this side today) stay as written
            try:
                choice.before_build(self)
                result = original(self, *args, **kwargs)
                choice.after_build(self)
                return result
            finally:
                _local.choice = choice

    build_graph._applies_executor_choice = True
    Lattice.build_graph = build_graph
    _install_metadata_recorder()


def _install_metadata_recorder():
    """Electron.set_metadata notes the value it replaces while a graph is built."""
    Electron = runtime.Electron
    original = Electron.set_metadata
    if getattr(original, "_records_for_restore", False):
        return

    def set_metadata(self, name, value):
        changed = getattr(_local, "changed", None)
        if changed is not None and (id(self), name) not in changed:
            changed[(id(self), name)] = (self, name, self.metadata.get(name))
        return original(self, name, value)

    set_metadata._records_for_restore = True
    Electron.set_metadata = set_metadata


@contextlib.contextmanager
def _electrons_left_as_written():
    """Building a graph writes the lattice's executor into each electron object
    that names none (Covalent's Electron.__call__). The bridge lives on between
    dispatches and the electrons of installed libraries are not imported again,
    so that would carry one dispatch's executor into the next: put them back."""
    if getattr(_local, "changed", None) is not None:
        yield  # an outer build restores
        return
    _local.changed = {}
    try:
        yield
    finally:
        changed, _local.changed = _local.changed, None
        for electron, name, value in changed.values():
            electron.metadata[name] = value


if runtime.covalent is not None:
    _install_build_hook()
