"""Every request the bridge answers: `initialize` (what this bridge and its
interpreter are) here, the others in the modules imported below, each of which
registers its own with `@protocol.handler("name")` when imported."""

import os
import sys

from . import electrons, executors, inputs, preview, protocol, replay, runtime, sdk, values  # noqa: F401 - the modules but protocol and runtime register handlers
from .errors import log
from .protocol import handler


@handler("initialize")
def handle_initialize(params, request_id):
    return {
        "protocolVersion": protocol.PROTOCOL_VERSION,
        "executable": sys.executable,
        "pythonVersion": "%d.%d.%d" % sys.version_info[:3],
        "covalentVersion": runtime.covalent_version(),
        "covalentImportError": runtime.covalent_import_error,
        "pid": os.getpid(),
    }


def announce():
    """Says in the log that the bridge started, and with what."""
    log(
        "Covalent bridge %s started: Python %s (%s), covalent %s"
        % (os.getpid(), sys.version.split()[0], sys.executable, runtime.covalent_version() or "NOT importable")
    )
