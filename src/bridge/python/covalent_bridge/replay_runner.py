"""Runs one prepared task: `python replay_runner.py <bundle> [--debug]`.

A program, not a module, so debugpy's adapter can launch it as one. Python puts
this folder first on sys.path, where the package's own modules would shadow the
user's: it is taken off again and the package imported from its parent folder,
as the bridge's `__main__` does. It imports replay_run, none of the modules
that answer the bridge's requests.
"""

import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
_parent = os.path.dirname(_here)
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != _here]
sys.path.insert(0, _parent)
from covalent_bridge import owner, replay_run  # noqa: E402

sys.path.remove(_parent)

if __name__ == "__main__":
    owner.end_with_owner()
    sys.exit(replay_run.run_bundle(sys.argv[1], debugging="--debug" in sys.argv[2:]))
