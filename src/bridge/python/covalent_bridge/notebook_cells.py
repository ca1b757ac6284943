"""A notebook's code cells as the program a kernel would have run, minus what
must not run when the editor dispatches.

Standard library only, no state: the bridge's notebook requests build on it.
A cell's IPython lines are made Python in notebook_ipython; what a statement
binds, reads and calls is read in notebook_statements.

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

from . import notebook_ipython, notebook_statements, sources


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
        self.python, self.whole_cell_magic = notebook_ipython.python_of_cell(source)
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
    imports = notebook_statements.CovalentNames()
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
            if name not in dispatching and notebook_statements.calls_sdk(node.body, imports, dispatching, nested=True):
                dispatching.add(name)
                changed = True

    statements = []
    tainted = set()
    bound_by_kept = set()
    for cell in cells:
        for node in cell.tree.body:
            statement = Statement(cell, node)
            binds = notebook_statements.bound_names(node)
            if notebook_ipython.is_escape(node):
                statement.skipped = "ipython"
            elif notebook_statements.calls_sdk([node], imports, dispatching, nested=False):
                statement.skipped = "sdk"
            elif notebook_statements.awaits_at_top_level(node):
                # A kernel runs top-level `await` (IPython's autoawait); a module cannot.
                statement.skipped = "await"
            else:
                used = sorted(notebook_statements.read_names(node) & tainted)
                if used:
                    statement.skipped = "uses %s" % used[0]
            if statement.skipped:
                tainted.update(binds - bound_by_kept)
            else:
                tainted.difference_update(binds)
                bound_by_kept.update(binds)
            statements.append(statement)
    return statements


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
        if name in notebook_statements.bound_names(statement.node):
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
    module.__dict__[notebook_ipython.ESCAPE_CALL] = lambda *args, **kwargs: None
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
