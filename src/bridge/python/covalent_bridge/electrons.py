"""The `electrons` request: the electrons and lattices a workflow file (or
notebook) defines."""

import inspect

from . import runtime, workflow
from .protocol import handler


@handler("electrons")
def handle_electrons(params, request_id):
    """The electrons and lattices the file defines, with the source Covalent
    would store as their `function_string` and the executor their decorator
    names (None: the lattice's, else the server's default)."""
    runtime.require_covalent()
    module = workflow.load_from_params(params)
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
        metadata = getattr(getattr(value, "electron_object", value), "metadata", None) or {}
        electrons.append({"name": name, "source": source, "executor": metadata.get("executor"), "executorData": metadata.get("executor_data")})
    return {"electrons": electrons, "lattices": lattices}
