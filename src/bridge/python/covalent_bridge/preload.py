"""What the fork server imports before it forks request processes (see isolation):
every handler's module, with covalent, and then the garbage collector's view of
them frozen, so a request's process does not write to (and so copy) every page
of those modules' objects when it first collects. Libraries values are drawn
with (pandas, matplotlib) are imported by the requests that need them: preloaded
here they would cost every bridge start, whether it shows a value or not."""

import gc
import os

from . import child  # noqa: F401 - imports handlers, and with them covalent and every request's module

# No request process opens windows: figures are drawn to pictures.
os.environ.setdefault("MPLBACKEND", "Agg")

gc.freeze()
