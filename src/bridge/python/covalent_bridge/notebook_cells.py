"""A notebook's code cells as the program a kernel would have run, minus what
must not run when the editor dispatches.

Standard library only, no state: the bridge's notebook requests build on it.

What does not run:
- IPython syntax: line magics, shell escapes (`!pip ...`, `x = !ls`), help
  (`obj?`), autocall escapes, and whole cells under a cell magic whose body is
  not Python (`%%bash`); under `%%time` or `%%capture` only the magic line.
- Top-level statements that call the SDK to dispatch, redispatch, wait for or
  read results, cancel, or start or stop a server (`ct.dispatch(workflow)(1, 2)`,
  `ct.get_result(...)`), and those that call a notebook function that does.
- Every later statement that reads a name bound only by a skipped statement
  (`print(result.result)` after `result = ct.get_result(...)`): otherwise it
  fails with NameError, as it would in half of Covalent's own how-to notebooks.
Definitions (`def`, `class`) run; what their bodies call runs only when called.

The cells that run are executed in a fresh module named `__main__`, as a
kernel's: cloudpickle then ships the notebook's functions by value with the
workflow (sublattices built on the server too), and `inspect.getsource` reads
each cell's text from `linecache`, under a name that says which cell it is.
"""

import ast
import builtins
import linecache
import re
import sys
import traceback
import types

from . import sources

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

# Cell magics whose body is Python that IPython runs (the magic only times or captures it).
PYTHON_BODY_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})

# The call an IPython line becomes: a top-level one is skipped, one in a block does nothing.
ESCAPE_CALL = "__covalent_ipython_escape__"

_ESCAPES = ("%", "!", "?", "/", ";", ",")
_ASSIGNED_ESCAPE = re.compile(r"^(?P<targets>[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*,?)\s*=\s*[%!]")
_HELP_SUFFIX = re.compile(r"^[A-Za-z_][\w.]*\?\??\s*$")
_CELL_MAGIC = re.compile(r"^\s*%%(\w+)")
_CAPTURED = re.compile(r"^\s*%%capture(?:\s+--?\w+)*\s+(?P<name>[A-Za-z_]\w*)\s*$")
# Line magics that run the Python code after them.
_CODE_MAGIC = re.compile(r"^%(time|timeit|prun|capture)\s+(?P<code>.+)$")


class CellSyntaxError(Exception):
    """A code cell that is not valid Python (after its IPython lines)."""

    def __init__(self, cell, line, column, reason, text):
        super().__init__("Cell %d, line %d: %s" % (cell + 1, line, reason))
        self.cell = cell
        self.line = line
        self.column = column
        self.reason = reason
        self.text = text

    @classmethod
    def of(cls, cell_index, source, error):
        """Python's SyntaxError for a cell's `source`, with the offending line's text."""
        lines = source.split("\n")
        line = error.lineno or 1
        return cls(cell_index, line, error.offset or 0, error.msg, lines[line - 1] if 0 < line <= len(lines) else "")


class CodeCell:
    """One code cell: `index` among all the notebook's cells, its `source` as
    written, and the Python the kernel would run for it."""

    def __init__(self, index, source):
        self.index = index
        self.source = source
        self.python, self.whole_cell_magic = python_of_cell(source)
        self.tree = None
        self.syntax_error = None


class Statement:
    """A top-level statement of a cell and whether it runs."""

    def __init__(self, cell, node, skipped=None):
        self.cell = cell
        self.node = node
        # Why it does not run: "ipython", "sdk" or "uses <name>"; None when it runs.
        self.skipped = skipped

    @property
    def line(self):
        return self.node.lineno


# ------------------------------------------------------------------- IPython


def python_of_cell(source):
    """The cell as Python: every IPython line becomes a call of `ESCAPE_CALL`
    at the same place (an assignment from one keeps its targets), so line
    numbers stay those of the cell. Returns (python, skipped) where `skipped`
    names a cell magic that makes the whole cell not Python."""
    lines = source.split("\n")
    magic = _CELL_MAGIC.match(lines[0]) if lines else None
    if magic:
        if magic.group(1) not in PYTHON_BODY_CELL_MAGICS:
            return "\n" * (len(lines) - 1), magic.group(1)
        # `%%capture out` binds `out` in a kernel: here a skipped statement does, so what reads it is skipped too.
        captured = _CAPTURED.match(lines[0])
        lines[0] = (captured.group("name") + " = " + ESCAPE_CALL + "()") if captured else ""
    scanner = _LineScanner()
    continued = False
    for number, line in enumerate(lines):
        if continued or (scanner.at_statement_start() and _is_ipython_line(line)):
            # A magic or shell line ending in a backslash goes on on the next line.
            lines[number] = "" if continued else _escape_statement(line)
            continued = line.rstrip("\r").endswith("\\")
            continue
        scanner.scan(line)
    return "\n".join(lines), None


def _is_ipython_line(line):
    code = line.lstrip()
    if not code:
        return False
    return code.startswith(_ESCAPES) or bool(_ASSIGNED_ESCAPE.match(code)) or bool(_HELP_SUFFIX.match(code))


def _escape_statement(line):
    indent = line[: len(line) - len(line.lstrip())]
    code = line.lstrip()
    assigned = _ASSIGNED_ESCAPE.match(code)
    # `a, b = !cmd` binds each name (to nothing useful: the statement is skipped).
    names = [name.strip() for name in assigned.group("targets").split(",") if name.strip()] if assigned else []
    timed = _CODE_MAGIC.match(code)
    if timed:
        # `%time result = f()` binds `result` in a kernel: here a skipped statement does.
        try:
            names = sorted(set().union(*(bound_names(node) for node in ast.parse(timed.group("code")).body)))
        except SyntaxError:
            names = []
    return indent + "".join(name + " = " for name in names) + ESCAPE_CALL + "()"


class _LineScanner:
    """Enough of Python's tokenizer to tell whether a line begins a statement:
    not inside brackets, a string spanning lines, or after a backslash."""

    def __init__(self):
        self.depth = 0
        self.open_string = None
        self.backslash = False

    def at_statement_start(self):
        return self.depth == 0 and self.open_string is None and not self.backslash

    def scan(self, line):
        self.backslash = False
        at = 0
        while at < len(line):
            if self.open_string:
                close = _find_close(line, at, self.open_string)
                if close < 0:
                    if len(self.open_string) == 1 and not line.rstrip("\r").endswith("\\"):
                        self.open_string = None
                    return
                at = close + len(self.open_string)
                self.open_string = None
                continue
            char = line[at]
            if char == "#":
                return
            if char in "\"'":
                self.open_string = char * 3 if line.startswith(char * 3, at) else char
                at += len(self.open_string)
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            elif char == "\\" and line[at:].rstrip("\r") == "\\":
                self.backslash = True
            at += 1


def _find_close(line, start, quote):
    at = start
    while at < len(line):
        if line[at] == "\\":
            at += 2
            continue
        if line.startswith(quote, at):
            return at
        at += 1
    return -1


# ------------------------------------------------------------------- analysis


def parse_cells(cells):
    """`cells`: (index, source) pairs of the code cells, in order. A cell that
    is not Python gets its `syntax_error` (a CellSyntaxError) and no statements:
    it matters only if it is among the cells to run (see check_syntax)."""
    parsed = []
    for index, source in cells:
        cell = CodeCell(index, source)
        try:
            cell.tree = ast.parse(cell.python, filename="cell %d" % (index + 1))
        except SyntaxError as error:
            cell.tree = ast.Module(body=[], type_ignores=[])
            cell.syntax_error = CellSyntaxError.of(index, source, error)
        parsed.append(cell)
    return parsed


def check_syntax(cells, stop_index):
    """Raises the CellSyntaxError of the first cell up to `stop_index` that is not Python."""
    for cell in cells:
        if cell.index <= stop_index and cell.syntax_error is not None:
            raise cell.syntax_error


def plan(cells):
    """Each top-level statement of the parsed cells, in order, with whether it
    runs (see the module's docstring)."""
    imports = _CovalentNames()
    dispatching = set()
    # Notebook functions that dispatch (directly or through another): calling one dispatches.
    functions = {}
    for cell in cells:
        for node in cell.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[node.name] = node
            imports.learn(node)
    changed = True
    while changed:
        changed = False
        for name, node in functions.items():
            if name not in dispatching and _calls_sdk(node.body, imports, dispatching, nested=True):
                dispatching.add(name)
                changed = True

    statements = []
    tainted = set()
    bound_by_kept = set()
    for cell in cells:
        for node in cell.tree.body:
            statement = Statement(cell, node)
            binds = bound_names(node)
            if _is_escape(node):
                statement.skipped = "ipython"
            elif _calls_sdk([node], imports, dispatching, nested=False):
                statement.skipped = "sdk"
            elif _awaits_at_top_level(node):
                # A kernel runs top-level `await` (IPython's autoawait); a module cannot.
                statement.skipped = "await"
            else:
                used = sorted(read_names(node) & tainted)
                if used:
                    statement.skipped = "uses %s" % used[0]
            if statement.skipped:
                tainted.update(binds - bound_by_kept)
            else:
                tainted.difference_update(binds)
                bound_by_kept.update(binds)
            statements.append(statement)
    return statements


def _awaits_at_top_level(node):
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


def _is_escape(node):
    """A top-level IPython line. One inside a block is left as a call that does
    nothing (the bridge defines it), so the rest of the block runs."""
    value = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == ESCAPE_CALL


class _CovalentNames:
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


def _calls_sdk(nodes, imports, dispatching, nested):
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


# ------------------------------------------------------------------- running


class NotDefined(Exception):
    """A name the request needs is not defined by a cell that runs, up to the
    cell it is dispatched from. `available`: the names the cells that run do
    define (a lattice's candidates)."""


class CellFailed(Exception):
    """A cell raised while it ran. `text` is the traceback, its frames named
    after the notebook's cells."""

    def __init__(self, cell, error, text):
        super().__init__("cell %d raised %s: %s" % (cell + 1, type(error).__name__, error))
        self.cell = cell
        self.error = error
        self.text = text


def binding_cells(statements, name):
    """Indexes of the cells with a statement that runs and binds `name`, and of
    those where only a skipped statement binds it."""
    running, skipped = [], []
    for statement in statements:
        if name in bound_names(statement.node):
            (skipped if statement.skipped else running).append(statement.cell.index)
    return running, skipped


def stop_cell(statements, names, stop_index=None):
    """The last cell to run: `stop_index` when given (every name must be defined
    by then), else the last cell that defines one of `names` (every cell when
    there are none). Raises NotDefined, naming where a name is defined when
    that is not before the stop."""
    last = -1
    for name in names:
        running, skipped = binding_cells(statements, name)
        before = [index for index in running if stop_index is None or index <= stop_index]
        if before:
            last = max(last, max(before))
        elif running:
            raise NotDefined(
                "%s is defined in cell %d, after cell %d it is dispatched from: dispatch it from that cell or a later one."
                % (name, running[0] + 1, stop_index + 1)
            )
        elif skipped:
            raise NotDefined(
                "%s is defined only by a statement that does not run when the editor dispatches "
                "(in cell %d: it dispatches, waits for results, or uses what those made)." % (name, skipped[0] + 1)
            )
        else:
            raise NotDefined("No cell of the notebook defines %s." % name)
    if stop_index is not None:
        return stop_index
    if names:
        return last
    return max((statement.cell.index for statement in statements), default=-1)


def run_cells(statements, stop_index, notebook_path, names=None):
    """Runs the statements that run, cell by cell up to `stop_index`, in a fresh
    `__main__` module (holding `names` first); returns it. Raises CellFailed."""
    module = types.ModuleType("__main__")
    module.__dict__.update(names or {})
    module.__dict__["__builtins__"] = builtins
    # An IPython line inside a block does nothing.
    module.__dict__[ESCAPE_CALL] = lambda *args, **kwargs: None
    sources.forget("__main__")
    for cell, body in _cells_to_run(statements, stop_index):
        filename = cell_filename(notebook_path, cell.index)
        linecache.cache[filename] = (len(cell.source), None, cell.source.splitlines(True), filename)
        try:
            code = compile(body, filename, "exec")
        except SyntaxError as error:
            # What only the compiler refuses (`return` outside a function, say): said like any syntax error.
            raise CellSyntaxError.of(cell.index, cell.source, error) from error
        sources.remember_code("__main__", code)
        try:
            exec(code, module.__dict__)
        except BaseException as error:  # SystemExit in a cell too
            raise CellFailed(cell.index, error, _traceback()) from error
    return module


def cell_filename(notebook_path, index):
    """What tracebacks and `inspect` call a cell's code."""
    return "%s, cell %d" % (notebook_path, index + 1)


_CELL_FILENAME = re.compile(r"^(?P<notebook>.+\.ipynb), cell (?P<number>\d+)$")


def cell_of_filename(filename):
    """(notebook path, cell index) of a name `cell_filename` made, else None."""
    match = _CELL_FILENAME.match(filename)
    return (match.group("notebook"), int(match.group("number")) - 1) if match else None


def _cells_to_run(statements, stop_index):
    by_cell = []
    for statement in statements:
        if statement.cell.index > stop_index:
            break
        if not by_cell or by_cell[-1][0] is not statement.cell:
            by_cell.append((statement.cell, []))
        if not statement.skipped:
            by_cell[-1][1].append(statement.node)
    return [(cell, ast.Module(body=body, type_ignores=[])) for cell, body in by_cell]


def _traceback():
    """The current exception's traceback from the first frame in a cell on."""
    kind, value, tb = sys.exc_info()
    first = tb
    while first is not None and ", cell " not in first.tb_frame.f_code.co_filename:
        first = first.tb_next
    return "".join(traceback.format_exception(kind, value, first or tb))
