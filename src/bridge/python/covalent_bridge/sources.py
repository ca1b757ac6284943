"""Where the user's code is written — a file (or a notebook's cell) and a line —
for a function or a traceback's frame.

Code that went through cloudpickle cannot be asked: 3.1.3 names every code
object it pickles by value "<dynamic-code>" (3.1.2 kept the file). Such code is
what Covalent keeps of a workflow — a lattice's function, each node's function
in the transport graph, a server's stored function — and so are the frames of
a lattice body that raises while its graph is built. Names and line numbers
survive pickling. So the place is read from the code this bridge compiled from
the user's sources for the request (the module before pickling), matched by
module, qualified name and first line; a code object's own file name counts only
where it is a real one.
"""

import linecache
import os
import threading
import traceback
import types

DYNAMIC_CODE = "<dynamic-code>"

# module name -> {(qualified name, first line): file name}; the newest load of each module.
_places = {}
_places_lock = threading.Lock()
# (file name, source text) -> {(qualified name, first line): file name}: compiled once per text.
_compiled = {}


def _qualname(code):
    return getattr(code, "co_qualname", code.co_name)  # co_qualname: Python 3.11+


def _key(code):
    return (_qualname(code), code.co_firstlineno)


def _walk(code, places):
    places.setdefault(_key(code), code.co_filename)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            _walk(constant, places)


def remember_code(module_name, code):
    """Code compiled from the user's source for module `module_name` (a notebook's cell, say)."""
    places = {}
    _walk(code, places)
    with _places_lock:
        _places.setdefault(module_name, {}).update(places)


def remember_module(module):
    """A module of the user's project as it was just loaded: its source compiled
    again (the editor's unsaved text where linecache holds it) and indexed."""
    path = getattr(module, "__file__", None)
    name = getattr(module, "__name__", None)
    if not path or not name or not path.endswith(".py"):
        return
    lines = linecache.getlines(path)
    if not lines:
        return
    source = "".join(lines)
    key = (path, source)
    places = _compiled.get(key)
    if places is None:
        try:
            code = compile(source, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return
        places = {}
        _walk(code, places)
        if len(_compiled) > 256:
            _compiled.clear()
        _compiled[key] = places
    with _places_lock:
        _places[name] = dict(places)


def forget(module_name):
    with _places_lock:
        _places.pop(module_name, None)


def is_real_file(filename):
    """A name the user's editor can open: not `<dynamic-code>`, `<string>` and the like."""
    return bool(filename) and not filename.startswith("<") and (os.path.isabs(filename) or os.path.exists(filename))


def file_of(code, module_name=None, module_file=None):
    """The file (or `book.ipynb, cell N` name) where `code` is written, else None.

    `module_name` and `module_file` are what the code's globals say (`__name__`,
    `__file__`), which cloudpickle keeps."""
    key = _key(code)
    with _places_lock:
        known = _places.get(module_name) if module_name else None
        found = known.get(key) if known else None
        if found is None and module_name is None:
            found = next((places[key] for places in _places.values() if key in places), None)
    if found is not None:
        return found
    if is_real_file(code.co_filename):
        return code.co_filename
    if module_file and is_real_file(module_file) and module_file.endswith(".py"):
        return module_file
    return None


def file_of_function(function):
    code = getattr(function, "__code__", None)
    if code is None:
        return None
    globals_ = getattr(function, "__globals__", None) or {}
    return file_of(code, getattr(function, "__module__", None) or globals_.get("__name__"), globals_.get("__file__"))


def file_of_frame(frame):
    return file_of(frame.f_code, frame.f_globals.get("__name__"), frame.f_globals.get("__file__"))


def frames_of(tb):
    """A traceback's frames as (file or None, line, function name, frame), outermost first."""
    frames = []
    while tb is not None:
        frame = tb.tb_frame
        frames.append((file_of_frame(frame), tb.tb_lineno, frame.f_code.co_name, frame))
        tb = tb.tb_next
    return frames


def format_traceback(error, tb):
    """Python's traceback text for `error` from `tb` on, each frame naming its real file."""
    summaries = []
    for path, line, name, frame in frames_of(tb):
        filename = path or frame.f_code.co_filename
        summaries.append(traceback.FrameSummary(filename, line, name, lookup_line=True))
    text = "".join(traceback.format_exception_only(type(error), error))
    if not summaries:
        return text
    return "Traceback (most recent call last):\n" + "".join(traceback.StackSummary.from_list(summaries).format()) + text


def with_file(function, filename):
    """`function` with its code (and the code nested in it) naming `filename`
    where it names no real file: a stored function's breakpoints and tracebacks
    then point at the user's file."""
    code = getattr(function, "__code__", None)
    if code is None or not filename or is_real_file(code.co_filename):
        return function
    function.__code__ = _renamed(code, filename)
    return function


def _renamed(code, filename):
    constants = tuple(_renamed(constant, filename) if isinstance(constant, types.CodeType) else constant for constant in code.co_consts)
    return code.replace(co_filename=filename, co_consts=constants)
