"""A workflow's graph before anything is dispatched.

`ct.dispatch` deep-copies the lattice and calls its `build_graph(*args,
**kwargs)` before anything goes to the server, as `lattice.draw()` does before it
posts the graph to the Covalent UI. This does the same with the inputs the
editor gives, after importing the workflow exactly as a dispatch does, and sends
the graph to nobody: it answers in the shape of the server's
`/api/v1/dispatches/{id}/graph` — nodes (`id` and `node_id`: the transport
graph's node number; `name`; `type`, named as the server names it) and links
(`source`, `target`, `edge_name`, `parameter_type`, `arg_index`) — and says for
each node which function it runs (`function`, with its `file` and `line` when
that function is the user's code) so the editor can link it to its source.

A sublattice is one node, as in the server's graph of the dispatch: Covalent
builds a sublattice's own graph on the server when it runs, from inputs that may
be other tasks' outputs. Its node names the sublattice's function.
"""

import inspect
import os
from copy import deepcopy

from . import notebook_cells, runtime, sdk, sources, workspace
from .errors import BridgeError, log
from .protocol import handler

# Graphs with more nodes than the editor asks for come back as counts only.
DEFAULT_MAX_NODES = 20000


def _prefixes():
    from covalent._shared_files import defaults

    # The order of the server's own naming (`get_electron_type` of Covalent's dispatcher).
    return [
        (defaults.arg_prefix, "arg"),
        (defaults.attr_prefix, "attribute"),
        (defaults.electron_dict_prefix, "electron_dict"),
        (defaults.electron_list_prefix, "electron_list"),
        (defaults.generator_prefix, "generated"),
        (defaults.parameter_prefix, "parameter"),
        (defaults.sublattice_prefix, "sublattice"),
        (defaults.subscript_prefix, "subscripted"),
    ]


def node_type(name, prefixes):
    for prefix, kind in prefixes:
        if name.startswith(prefix):
            return kind
    return "function"


def _user_function(function):
    """Name, file and first line of a function of the user's code; None for
    Covalent's own helpers and anything that is not a plain function. The file
    comes from the user's sources, not from the code (see sources)."""
    try:
        function = inspect.unwrap(function)
    except ValueError:
        pass
    code = getattr(function, "__code__", None)
    name = getattr(function, "__name__", None)
    if code is None or not name:
        return None
    path = sources.file_of_function(function)
    if path is None or _is_library(path):
        return None
    return dict(_location(path, code.co_firstlineno), function=name)


def _is_library(path):
    real = os.path.realpath(path) if os.path.isabs(path) else path
    return workspace.is_library_file(real)


def _location(path, line):
    """A file and 1-based line; a notebook cell's code as its notebook, the cell's index and the line in the cell."""
    cell = notebook_cells.cell_of_filename(path)
    if cell:
        return {"file": cell[0], "cell": cell[1], "line": line}
    return {"file": path, "line": line}


def _deserialized(graph, node_id, key):
    try:
        return graph.nodes[node_id][key].get_deserialized()
    except Exception:  # noqa: BLE001 - a value that does not load here is simply not linked
        return None


def _sublattice_function(graph, node_id):
    """The sublattice is the first argument of Covalent's sublattice-building task."""
    for source, _, attributes in graph.in_edges(node_id, data=True):
        if attributes.get("param_type") == "arg" and attributes.get("arg_index") == 0:
            value = _deserialized(graph, source, "value")
            if runtime.is_lattice(value):
                return value.workflow_function.get_deserialized()
    return None


def _source_of(graph, node_id, kind, name, lattice_function):
    from covalent._shared_files.defaults import postprocess_prefix

    if kind == "parameter":
        return None
    if kind == "sublattice":
        function = _sublattice_function(graph, node_id)
    elif name.startswith(postprocess_prefix):
        # Post-processing rebuilds the lattice's return value: its source is the lattice.
        function = lattice_function
    else:
        function = _deserialized(graph, node_id, "function")
    return _user_function(function) if function is not None else None


def _summary_order(item):
    """The user's electrons and sublattices first, then Covalent's own nodes, then parameters; most first."""
    (kind, name), count = item
    from covalent._shared_files.defaults import postprocess_prefix

    group = 2 if kind == "parameter" else 1 if kind not in ("function", "sublattice") or name.startswith(postprocess_prefix) else 0
    return (group, -count, name)


def describe(graph, lattice_function, max_nodes):
    """The transport graph in the server's graph shape, with counts per function."""
    prefixes = _prefixes()
    nodes = []
    counts = {}
    for node_id in sorted(graph.nodes):
        name = graph.nodes[node_id].get("name", "")
        kind = node_type(name, prefixes)
        key = (kind, "" if kind == "parameter" else name)
        counts[key] = counts.get(key, 0) + 1
        if graph.number_of_nodes() > max_nodes:
            continue
        node = {"id": node_id, "node_id": node_id, "name": name, "type": kind}
        source = _source_of(graph, node_id, kind, name, lattice_function)
        if source:
            node.update(source)
        nodes.append(node)
    truncated = graph.number_of_nodes() > max_nodes
    links = []
    if not truncated:
        for source, target, attributes in graph.edges(data=True):
            links.append(
                {
                    "source": source,
                    "target": target,
                    "edge_name": attributes.get("edge_name"),
                    "parameter_type": attributes.get("param_type"),
                    "arg_index": attributes.get("arg_index"),
                }
            )
    summary = [{"name": name, "type": kind, "count": count} for (kind, name), count in sorted(counts.items(), key=_summary_order)]
    return {
        "nodeCount": graph.number_of_nodes(),
        "edgeCount": graph.number_of_edges(),
        "truncated": truncated,
        "nodes": nodes,
        "links": links,
        "summary": summary,
    }


def _user_frames(tb):
    """The traceback's frames in the user's code (not the bridge's, not installed libraries), innermost last."""
    frames = []
    for path, line, name, _frame in sources.frames_of(tb):
        if path is None or not (os.path.isabs(path) or notebook_cells.cell_of_filename(path)) or _is_library(path):
            continue
        frames.append(dict(_location(path, line), name=name))
    return frames


def _place(where):
    """`flow.py, line 8`, or `book.ipynb, cell 3, line 2`."""
    cell = (", cell %d" % (where["cell"] + 1)) if "cell" in where else ""
    return "%s%s, line %d" % (os.path.basename(where["file"]), cell, where["line"])


def _without_bridge_frames(error):
    """The traceback from Covalent's graph building on: the bridge's own frames say nothing to the user."""
    tb = error.__traceback__
    while tb is not None and os.path.realpath(tb.tb_frame.f_code.co_filename).startswith(workspace.BRIDGE_FOLDER + os.sep):
        tb = tb.tb_next
    return sources.format_traceback(error, tb)


def build(lattice, name, args, kwargs):
    """Covalent's own graph building, on a copy as `ct.dispatch` makes one."""
    copy = deepcopy(lattice)
    try:
        copy.build_graph(*args, **kwargs)
    except Exception as error:  # whatever the workflow raises is the user's to see
        text = _without_bridge_frames(error)
        frames = _user_frames(error.__traceback__)
        log("Building the graph of %s failed:\n%s" % (name, text))
        where = frames[-1] if frames else None
        raise BridgeError(
            "graphFailed",
            "Building the graph of %s failed: %s: %s%s" % (name, type(error).__name__, error, (" (%s)" % _place(where)) if where else ""),
            traceback=text,
            frames=frames,
        ) from error
    return copy


@handler("previewGraph")
def handle_preview_graph(params, request_id):
    lattice, args, kwargs, _choice = sdk.prepare(params)
    built = build(lattice, params["lattice"], args, kwargs)
    max_nodes = int(params.get("maxNodes") or DEFAULT_MAX_NODES)
    result = describe(built.transport_graph.get_internal_graph_copy(), lattice.workflow_function.get_deserialized(), max_nodes)
    result["lattice"] = params["lattice"]
    return result
