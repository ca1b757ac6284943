"""What running one of a notebook's top-level statements does, read from its
syntax tree: the names it binds and reads in the module, whether it calls
Covalent's SDK to reach a server (or a notebook function that does), whether it
awaits outside a function. notebook_cells decides from these which statements
run.

Standard library only, no state.
"""

import ast

# Covalent's SDK calls that reach a server or wait on one (`covalent.<name>`).
SDK_CALLS = frozenset(
    {
        "dispatch",
        "dispatch_sync",
        "redispatch",
        "get_result",
        "cancel",
        "stop_triggers",
        "covalent_start",
        "covalent_stop",
    }
)


def awaits_at_top_level(node):
    """`await`, `async for` or `async with` outside any function of the statement."""
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, (ast.Await, ast.AsyncFor, ast.AsyncWith)):
            return True
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue  # its body awaits when called, not when defined
        pending.extend(ast.iter_child_nodes(current))
    return False


class CovalentNames:
    """How the notebook names Covalent: module aliases and imported SDK calls."""

    def __init__(self):
        self.modules = set()
        self.members = set()

    def learn(self, node):
        for child in ast.walk(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name == "covalent" or alias.name.startswith("covalent."):
                        self.modules.add(alias.asname or "covalent")
            elif isinstance(child, ast.ImportFrom) and (child.module or "").split(".")[0] == "covalent":
                for alias in child.names:
                    if alias.name == "*":
                        self.members.update(SDK_CALLS)
                    elif alias.name in SDK_CALLS:
                        self.members.add(alias.asname or alias.name)

    def is_sdk_call(self, call):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in SDK_CALLS:
            root = func.value
            while isinstance(root, ast.Attribute):
                root = root.value
            return isinstance(root, ast.Name) and root.id in self.modules
        return isinstance(func, ast.Name) and func.id in self.members


def calls_sdk(nodes, imports, dispatching, nested):
    """Whether running `nodes` calls the SDK (or a notebook function that does).
    Function and lambda bodies count only when `nested` (a function's own body)."""
    for node in nodes:
        for child in _walk_running(node, nested):
            if not isinstance(child, ast.Call):
                continue
            if imports.is_sdk_call(child):
                return True
            if isinstance(child.func, ast.Name) and child.func.id in dispatching:
                return True
    return False


def _walk_running(node, into_functions):
    """The nodes that run when `node` runs: a nested function's or lambda's
    body runs only when called (its decorators and defaults run now)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if not into_functions and isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            stack.extend(current.args.defaults)
            stack.extend(default for default in current.args.kw_defaults if default is not None)
            stack.extend(getattr(current, "decorator_list", []))
            continue
        stack.extend(ast.iter_child_nodes(current))


def bound_names(node):
    """Names a top-level statement binds in the module (a class body's names
    are the class's, a comprehension's its own)."""
    names = set()
    stack = [node]
    while stack:
        child = stack.pop()
        if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
            names.add(child.id)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(child.name)
            continue
        elif isinstance(child, (ast.Lambda, ast.comprehension)):
            continue
        elif isinstance(child, (ast.Import, ast.ImportFrom)):
            for alias in child.names:
                if alias.name != "*":
                    names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(child, ast.ExceptHandler) and child.name:
            names.add(child.name)
        elif child.__class__.__name__ in ("MatchAs", "MatchStar") and getattr(child, "name", None):
            names.add(child.name)
        elif child.__class__.__name__ == "MatchMapping" and getattr(child, "rest", None):
            names.add(child.rest)
        stack.extend(ast.iter_child_nodes(child))
    return names


def read_names(node):
    """Names a top-level statement reads from the module when it runs (not in
    function bodies, not a comprehension's own variables)."""
    names = set()
    for child in _walk_running(node, into_functions=False):
        if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Load, ast.Del)):
            names.add(child.id)
        elif isinstance(child, ast.AugAssign) and isinstance(child.target, ast.Name):
            names.add(child.target.id)
    return names - _comprehension_targets(node)


def _comprehension_targets(node):
    targets = set()
    for child in ast.walk(node):
        if isinstance(child, ast.comprehension):
            targets.update(name.id for name in ast.walk(child.target) if isinstance(name, ast.Name))
    return targets
