"""The inputs the user typed, in Python call syntax: `1, 2` or `a=1, b=[1, 2]`."""

import ast
import inspect
import io
import tokenize
import traceback

from .errors import BridgeError
from .protocol import handler


def check_syntax(text):
    """Raises `inputSyntax` with the position in what the user typed."""
    stray = _stray_closing_bracket(text)
    if stray is not None:
        line, column, bracket = stray
        _raise_input_syntax(text, "unmatched %r" % bracket, line, column)
    try:
        ast.parse("_(%s\n)" % text, mode="eval")
    except SyntaxError as error:
        lines = text.splitlines() or [""]
        line = min((error.lineno or 1) - 1, len(lines) - 1)
        # The first line was prefixed with "_(": take those two characters back.
        column = (error.offset or 1) - 1 - (2 if line == 0 else 0)
        _raise_input_syntax(text, error.msg, line, max(0, min(column, len(lines[line]))))


def _stray_closing_bracket(text):
    """A `)`, `]` or `}` that closes nothing the user opened (it would close our
    own wrapping call, and Python would blame the wrong place)."""
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                if depth == 0:
                    return token.start[0] - 1, token.start[1], token.string
                depth -= 1
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return None


def _raise_input_syntax(text, reason, line, column):
    raise BridgeError(
        "inputSyntax",
        "The inputs are not valid Python call arguments: %s (line %d, column %d)." % (reason, line + 1, column + 1),
        line=line,
        column=column,
        text=text,
    )


def evaluate(text, module):
    """`1, 2` or `a=1, b=[1, 2]` evaluated in the module's namespace (`module`
    None: literals and builtins only)."""
    text = (text or "").strip()
    if not text:
        return (), {}
    check_syntax(text)
    namespace = dict(vars(module)) if module is not None else {}
    namespace["__covalent_collect__"] = lambda *args, **kwargs: (args, kwargs)
    try:
        return eval("__covalent_collect__(%s\n)" % text, namespace)
    except NameError as error:
        if module is not None:
            raise _evaluation_failed(error) from error
        name = getattr(error, "name", None) or str(error)
        raise BridgeError(
            "fileRequired",
            "The inputs name %s, which is not a literal: evaluating it needs the workflow's file "
            "(pass `uri`, or redispatch from the open file)." % (("`%s`" % name) if getattr(error, "name", None) else name),
            name=getattr(error, "name", None),
        ) from error
    except Exception as error:  # whatever evaluating the inputs raises is the user's to see
        raise _evaluation_failed(error) from error


def _evaluation_failed(error):
    return BridgeError(
        "inputEvaluation",
        "Evaluating the inputs failed: %s: %s" % (type(error).__name__, error),
        traceback=traceback.format_exc(),
    )


def signature_template(function):
    """The parameters as the input box offers them: `values=, by=0`."""
    parts = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        default = "" if parameter.default is parameter.empty else repr(parameter.default)
        parts.append("%s=%s" % (parameter.name, default))
    return ", ".join(parts)


def check_binding(lattice, name, args, kwargs):
    """Inputs that leave a required parameter without a value are refused before
    anything is dispatched, with the parameters to fill in."""
    try:
        function = lattice.workflow_function.get_deserialized()
        signature = inspect.signature(function)
    except Exception:  # noqa: BLE001 - no signature to check against: the SDK decides
        return
    try:
        signature.bind(*args, **kwargs)
    except TypeError as error:
        missing = [
            parameter.name
            for parameter in signature.parameters.values()
            if parameter.default is parameter.empty
            and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
            and parameter.name not in kwargs
        ][len(args) :]
        template = signature_template(function)
        if missing:
            message = "%s needs a value for %s (its parameters: %s)." % (name, ", ".join(missing), template)
        else:
            message = "%s(%s) cannot take these inputs: %s." % (name, template, error)
        raise BridgeError("inputsMissing" if missing else "inputsMismatch", message, missing=missing, template=template) from error


@handler("checkInputs")
def handle_check_inputs(params, request_id):
    text = (params.get("args") or "").strip()
    if text:
        check_syntax(text)
    return {"ok": True}
