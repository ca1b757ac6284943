"""What this interpreter has: `covalent` (imported once, here) and cloudpickle."""

import sys
import traceback

from . import auth, uploads
from .errors import BridgeError

covalent = None
covalent_import_error = None
try:
    import covalent
    from covalent._workflow.electron import Electron
    from covalent._workflow.lattice import Lattice

    try:
        import cloudpickle
    except ImportError:  # Covalent depends on it; be tolerant all the same.
        cloudpickle = None

    auth.install()  # each call's tokens on every request the SDK makes
except Exception:  # noqa: BLE001 - any failure means "covalent is not usable here"
    covalent = None
    covalent_import_error = traceback.format_exc()
    cloudpickle = None
    Electron = Lattice = None


def server_url(address):
    """`address`, or the server Covalent's own config names."""
    from covalent._shared_files.utils import format_server_url

    return address or format_server_url()


def covalent_version():
    return getattr(covalent, "__version__", None) if covalent else None


def require_covalent():
    if covalent is None:
        raise BridgeError(
            "covalentMissing",
            "Covalent cannot be imported by %s." % sys.executable,
            traceback=covalent_import_error,
            executable=sys.executable,
        )


def is_lattice(value):
    return Lattice is not None and isinstance(value, Lattice)


def electron_of(value):
    """The Electron behind a name in a module, or None."""
    # @ct.electron returns a functools.wraps wrapper whose closure holds the Electron.
    if Electron is None:
        return None
    if isinstance(value, Electron):
        return value
    for cell in getattr(value, "__closure__", None) or ():
        try:
            if isinstance(cell.cell_contents, Electron):
                return cell.cell_contents
        except ValueError:
            continue
    return None


def is_electron_function(value):
    return electron_of(value) is not None


_uploads_installed = False


def warm_up():
    """Starts the upload threads now (a request's process, waiting for its request):
    threads do not survive a fork, and starting them under a dispatch costs it time."""
    if _uploads_installed:
        uploads.warm_up()


if covalent is not None:
    # The bridge sends a dispatch's asset uploads itself (see uploads).
    _uploads_installed = uploads.install()
