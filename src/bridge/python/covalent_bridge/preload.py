"""What the fork server imports before it forks request processes (see isolation):
every handler's module, with covalent, then the libraries values are drawn with
when this interpreter has them (pandas, matplotlib's pyplot: half a second to
import, paid once here instead of in every request that shows a table or a
figure), and then the garbage collector's view of them frozen, so a request's
process does not write to (and so copy) every page of those modules' objects
when it first collects."""

import gc
import importlib
import importlib.util
import os

from . import child  # noqa: F401 - imports handlers, and with them covalent and every request's module

# No request process opens windows: figures are drawn to pictures.
os.environ.setdefault("MPLBACKEND", "Agg")
for _name in ("pandas", "matplotlib.pyplot"):
    try:
        if importlib.util.find_spec(_name.split(".")[0]) is not None:
            importlib.import_module(_name)
    except Exception:  # noqa: BLE001 - a library that fails to import here is imported (and explained) by the request that needs it
        pass

gc.freeze()
