"""The protocol's own standard streams, taken before anything else loads.

The editor's requests come on stdin and the answers go on stdout. Both are kept
for the protocol on descriptors of their own; file descriptors 0 and 1 then
become an empty input and the bridge's stderr, so nothing the SDK or the user's
code prints or reads (input() at import, a process the bridge starts) touches
the protocol. `__main__` takes them before importing covalent.
"""

import os
import sys

from . import owner

protocol_out = None
protocol_in = None


def take():
    """Keeps the real stdin and stdout for the protocol: everything else printed goes
    to stderr, and anything that reads standard input reads an empty one."""
    global protocol_out, protocol_in
    if protocol_out is not None:
        return
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    protocol_in = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    empty = os.open(os.devnull, os.O_RDONLY)
    os.dup2(empty, sys.stdin.fileno())
    os.close(empty)
    sys.stdin = open(os.devnull, encoding="utf-8")
    # Replay runners watch this process: they end when it does.
    os.environ[owner.OWNER_VARIABLE] = str(os.getpid())
