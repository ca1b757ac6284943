"""What the fork server imports before it forks request processes (see isolation):
every handler's module, with covalent; then the modules COVALENT_BRIDGE_PRELOAD
names (comma-separated), when this interpreter has them: the editor names the
libraries values are drawn with (pandas, matplotlib's pyplot, half a second to
import), paid once per bridge instead of in every request that shows a table or
a figure; a bridge that shows none names nothing. Then the garbage collector's
view of them is frozen, so a request's process does not write to (and so copy)
every page of those modules' objects when it first collects."""

import gc
import importlib
import importlib.util
import os

from . import child  # noqa: F401 - imports handlers, and with them covalent and every request's module

# No request process opens windows: figures are drawn to pictures.
os.environ.setdefault("MPLBACKEND", "Agg")
for _name in filter(None, (part.strip() for part in os.environ.get("COVALENT_BRIDGE_PRELOAD", "").split(","))):
    try:
        if importlib.util.find_spec(_name.split(".")[0]) is not None:
            importlib.import_module(_name)
    except Exception:  # noqa: BLE001 - a library that fails to import here is imported (and explained) by the request that needs it
        pass

gc.freeze()
