"""The errors a request ends with, and the bridge's log (stderr)."""

import sys


class BridgeError(Exception):
    """An error the editor turns into a message. `kind` says which."""

    def __init__(self, kind, message, **data):
        super().__init__(message)
        self.kind = kind
        self.data = data


class Cancelled(Exception):
    """The editor cancelled the request ($/cancelRequest). `data` says what became of
    a submission already registered (its dispatchId, and whether it is leftOnServer)."""

    def __init__(self, **data):
        super().__init__("cancelled")
        self.data = data


def log(text):
    sys.stderr.write(text.rstrip("\n") + "\n")
    sys.stderr.flush()
