"""Starts the bridge: `python path/to/covalent_bridge` (this folder) or
`python -m covalent_bridge`."""

import os
import sys

if __package__ in (None, ""):
    # Run as a folder: Python put this folder itself first on sys.path, where its
    # modules (`inputs`, `sdk`, ...) would shadow the user's. Import it as the
    # package it is, from its parent folder, and keep neither on the path for
    # the user's code (the package finds its own modules through its __path__).
    _here = os.path.dirname(os.path.abspath(__file__))
    _parent = os.path.dirname(_here)
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != _here]
    sys.path.insert(0, _parent)
    import covalent_bridge  # noqa: F401 - imported from the parent folder, which then leaves sys.path

    sys.path.remove(_parent)
    from covalent_bridge import stdio

    stdio.take()  # before anything the user or the SDK prints or reads
    # `handlers` imports every module that registers a request's handler.
    from covalent_bridge import handlers, server
else:
    from . import stdio

    stdio.take()
    from . import handlers, server

handlers.announce()
server.main()
