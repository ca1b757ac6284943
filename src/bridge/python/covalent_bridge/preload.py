"""What the fork server imports before it forks request processes (see isolation):
every handler's module, with covalent, and then the garbage collector's view of
them frozen, so a request's process does not write to (and so copy) every page
of those modules' objects when it first collects."""

import gc

from . import child  # noqa: F401 - imports handlers, and with them covalent and every request's module

gc.freeze()
