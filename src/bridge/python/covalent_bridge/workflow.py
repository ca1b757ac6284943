"""The module a request's workflow comes from: its file imported as Python
would (see workspace), or its notebook's code cells run as a kernel's `__main__`
(see notebook)."""

from . import notebook, workspace


def load_from_params(params, names=()):
    """The workflow's module: the file imported, or a notebook's cells run up to
    the cell that defines `names` (see notebook)."""
    if params.get("notebook"):
        return notebook.load_notebook(params, names)
    return workspace.load_module(params["file"], params.get("source"), params.get("workspaceFolders"))
