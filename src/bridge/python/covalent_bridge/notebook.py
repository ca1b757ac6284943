"""Dispatching from a Jupyter notebook: the notebook's code cells run as a
kernel's `__main__` would have them (see notebook_cells), in the notebook's
project — its folder importable and the working directory, its own modules
shipped by value, as for a workflow file (see workspace).

The request's `notebook` carries the code cells as the editor shows them and,
when dispatched from a cell, that cell: the cells after it do not run.
"""

import os

from . import notebook_cells, workspace
from .errors import BridgeError, log


def load_notebook(params, names):
    """The notebook's `__main__` after running its cells up to the cell the
    request names, or else up to the last cell that defines `names` (the
    lattice, the replacing electrons; every cell when there are none)."""
    path = params["file"]
    notebook = params["notebook"]
    title = os.path.basename(path)
    cells = notebook_cells.parse_cells([(cell["index"], cell["source"]) for cell in notebook.get("cells") or []])
    statements = notebook_cells.plan(cells)
    try:
        stop = notebook_cells.stop_cell(statements, list(names), notebook.get("stopCell"))
        notebook_cells.check_syntax(cells, stop)
    except notebook_cells.NotDefined as error:
        raise BridgeError("notebookCell", "%s: %s" % (title, error)) from error
    except notebook_cells.CellSyntaxError as error:
        raise _not_python(title, error) from error
    project = workspace.Project(path, params.get("workspaceFolders"))
    with workspace.entered(project):
        try:
            # `__vsc_ipynb_file__`: what the kernels of VS Code's Jupyter support call the notebook.
            module = notebook_cells.run_cells(statements, stop, path, {"__vsc_ipynb_file__": path})
        except notebook_cells.CellFailed as error:
            log("Running %s failed:\n%s" % (path, error.text))
            hint = workspace.stdin_hint(error.error)
            raise BridgeError("importFailed", "%s: %s%s" % (title, error, hint), traceback=error.text) from error
        except notebook_cells.CellSyntaxError as error:
            raise _not_python(title, error) from error
        workspace.register_project_modules(project)
        workspace.remember_project_sources(project)
    return module


def _not_python(title, error):
    return BridgeError(
        "notebookCell",
        "%s: cell %d, line %d is not Python: %s%s."
        % (title, error.cell + 1, error.line, error.reason, (" (%s)" % error.text.strip()) if error.text.strip() else ""),
        cell=error.cell,
        line=error.line,
    )
