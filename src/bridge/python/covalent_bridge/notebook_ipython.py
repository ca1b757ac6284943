"""A notebook cell's IPython syntax as Python that keeps the cell's line
numbers: line magics, shell escapes, help and autocall escapes become calls of
`ESCAPE_CALL`, a cell magic whose body is not Python empties the cell.

Standard library only, no state.
"""

import ast
import re

from . import notebook_statements

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
            names = sorted(set().union(*(notebook_statements.bound_names(node) for node in ast.parse(timed.group("code")).body)))
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


def is_escape(node):
    """A top-level IPython line. One inside a block is left as a call that does
    nothing (the bridge defines it), so the rest of the block runs."""
    value = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == ESCAPE_CALL
