"""Showing a value the server recorded as people look at it, not as it prints.

`renderValue` downloads each value's archive (a task's output, a workflow's
result or inputs), unpickles it and answers what the result panel paints. It
runs in a process of its own per request (see isolation): unpickling runs code
that came from a server. The display protocol is Jupyter's, in its order:
matplotlib figures and PIL images as PNG, pandas tables and numpy arrays as rows
(only those asked for), `_repr_png_`/`_repr_jpeg_`/`_repr_svg_`, `_repr_html_`
(sanitized by the editor before it is shown), dicts, lists and tuples as their
entries, and text for the rest.
"""

import base64
import io
import math
import os
import sys

from . import replay_run, runtime
from .errors import BridgeError
from .protocol import handler, raise_if_cancelled

TEXT_LIMIT = 64 * 1024
HTML_LIMIT = 256 * 1024
CELL_LIMIT = 200
DEFAULT_ROWS = 50
MAX_ROWS = 500
MAX_COLUMNS = 50
MAX_ENTRIES = 50
MAX_IMAGES = 12
MAX_DEPTH = 2
HEATMAP_CELLS = 64 * 64


@handler("renderValue")
def handle_render(params, request_id):
    runtime.require_covalent()
    # Figures unpickle into a backend: never one that opens windows.
    os.environ.setdefault("MPLBACKEND", "Agg")
    options = _Options(params)
    if params.get("exportTo"):
        source = (params.get("values") or [None])[0]
        if not source:
            raise BridgeError("valueUnavailable", "No value to write.")
        return _export(_load(source), str(source.get("name") or "value"), params["exportTo"])
    rendered = []
    for source in params.get("values") or []:
        raise_if_cancelled(request_id)
        rendered.append({"name": str(source.get("name") or "value"), "value": render(_load(source), options)})
    return {"values": rendered}


def _load(source):
    name = str(source.get("name") or "value")
    value = _download(source["url"], name)
    if source.get("workflowInputs"):
        value = _named_inputs(value, source.get("functionUrl"))
    if "pick" in source:
        value = _pick(value, source["pick"])
    return value


def _export(value, name, target):
    """The whole value written where the user chose: CSV or Parquet for a table, `.npy` for an array."""
    path, wanted = str(target["path"]), target.get("format")
    pandas, numpy = sys.modules.get("pandas"), sys.modules.get("numpy")
    if wanted in ("csv", "parquet") and pandas is not None and isinstance(value, (pandas.DataFrame, pandas.Series)):
        if wanted == "csv":
            value.to_csv(path)
        else:
            frame = value.to_frame() if isinstance(value, pandas.Series) else value
            try:
                frame.to_parquet(path)
            except ImportError as error:
                raise BridgeError("valueUnavailable", "Writing Parquet needs pyarrow or fastparquet in %s: %s" % (sys.executable, error)) from error
    elif wanted == "npy" and numpy is not None and isinstance(value, numpy.ndarray):
        numpy.save(path, value, allow_pickle=False)
    else:
        raise BridgeError("valueUnavailable", "%s (%s) cannot be written as %s." % (name, _type_name(value), wanted))
    return {"values": [], "exported": path, "bytes": os.path.getsize(path)}


class _Options:
    def __init__(self, params):
        self.pixel_ratio = min(max(float(params.get("pixelRatio") or 1), 0.5), 4.0)
        self.offset = max(int(params.get("offset") or 0), 0)
        self.rows = min(max(int(params.get("rows") or DEFAULT_ROWS), 1), MAX_ROWS)
        self.images = 0


def _download(url, name):
    import requests
    from covalent._workflow.transportable_object import TransportableObject

    response = requests.get(url)
    if response.status_code != 200:
        raise BridgeError("valueUnavailable", "The server answered %d for %s (%s)." % (response.status_code, name, url), status=response.status_code)
    try:
        transportable = TransportableObject.deserialize(response.content)
    except Exception as error:  # a damaged archive is explained, whatever it raised
        raise BridgeError("valueUnavailable", "%s is not a value archive Covalent can read: %s" % (name, error)) from error
    return _unwrap(replay_run.unpickle(transportable, name))


def _unwrap(value):
    """Workflow inputs hold TransportableObjects inside their dicts and lists."""
    from covalent._workflow.transportable_object import TransportableObject

    if isinstance(value, TransportableObject):
        return _unwrap(value.get_deserialized())
    if isinstance(value, dict):
        return {key: _unwrap(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)) and any(isinstance(item, TransportableObject) for item in value):
        return type(value)(_unwrap(item) for item in value)
    return value


def _named_inputs(inputs, function_url):
    """A workflow's inputs (`{"args": (...), "kwargs": {...}}` on the server) by
    parameter name, from the signature of the function the server stored;
    positional ones are `args[N]` when it cannot be read here."""
    args = list(inputs.get("args") or ()) if isinstance(inputs, dict) else []
    kwargs = dict(inputs.get("kwargs") or {}) if isinstance(inputs, dict) else {}
    names = []
    if function_url and args:
        try:
            import inspect

            function = _download(function_url, "the workflow's function")
            parameters = list(inspect.signature(getattr(function, "workflow_function", function)).parameters.values())
            names = [parameter.name for parameter in parameters if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)]
        except Exception:  # noqa: BLE001 - without the signature the inputs keep their positions as names
            names = []
    named = {}
    for index, value in enumerate(args):
        named[names[index] if index < len(names) else "args[%d]" % index] = value
    named.update(kwargs)
    return named


def _pick(named, key):
    if key not in named:
        raise BridgeError("valueUnavailable", "The workflow has no input named %s (its inputs: %s)." % (key, ", ".join(named) or "none"), input=key)
    return named[key]


# ---------------------------------------------------------------- the display protocol


def render(value, options, depth=0):
    for renderer in (_figure, _pil_image, _table, _array, _repr_image, _html, _container):
        try:
            rendered = renderer(value, options, depth)
        except Exception as error:  # noqa: BLE001 - a value whose display method fails is shown as text, with why
            return dict(_text(value), note="%s could not be drawn (%s: %s)" % (type(value).__name__, type(error).__name__, error))
        if rendered is not None:
            return rendered
    return _text(value)


def _type_name(value):
    kind = type(value)
    return "%s.%s" % (kind.__module__, kind.__qualname__)


def _figure(value, options, depth):
    figure_module = sys.modules.get("matplotlib.figure")
    if figure_module is None or not isinstance(value, figure_module.Figure) or not _image_allowed(options):
        return None
    buffer = io.BytesIO()
    value.savefig(buffer, format="png", dpi=value.dpi * options.pixel_ratio)
    return _png(buffer.getvalue(), "matplotlib figure", options.pixel_ratio)


def _pil_image(value, options, depth):
    image_module = sys.modules.get("PIL.Image")
    if image_module is None or not isinstance(value, image_module.Image) or not _image_allowed(options):
        return None
    image = value if value.mode in ("RGB", "RGBA", "L", "LA", "P") else value.convert("RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return _png(buffer.getvalue(), "PIL image", 1)


def _repr_image(value, options, depth):
    if isinstance(value, type):
        return None
    for method, mime in (("_repr_png_", "image/png"), ("_repr_jpeg_", "image/jpeg"), ("_repr_svg_", "image/svg+xml")):
        shown = getattr(value, method, None)
        if not callable(shown) or not _image_allowed(options):
            continue
        data = shown()
        if isinstance(data, tuple):  # (data, metadata), as IPython allows
            data = data[0]
        if data is None:
            continue
        if mime == "image/svg+xml":
            data = data.encode("utf-8") if isinstance(data, str) else data
            return {
                "kind": "image",
                "mime": mime,
                "width": 0,
                "height": 0,
                "data": base64.b64encode(data).decode("ascii"),
                "source": _type_name(value),
            }
        if isinstance(data, str):  # IPython lets bitmaps be base64 text
            data = base64.b64decode(data)
        width, height = _bitmap_size(data)
        return {
            "kind": "image",
            "mime": mime,
            "width": width,
            "height": height,
            "data": base64.b64encode(data).decode("ascii"),
            "source": _type_name(value),
        }
    return None


def _image_allowed(options):
    options.images += 1
    return options.images <= MAX_IMAGES


def _png(data, source, pixel_ratio):
    width, height = _bitmap_size(data)
    return {
        "kind": "image",
        "mime": "image/png",
        "width": width,
        "height": height,
        "pixelRatio": pixel_ratio,
        "data": base64.b64encode(data).decode("ascii"),
        "source": source,
    }


def _bitmap_size(data):
    """Width and height from a PNG's header or a JPEG's frame marker (0, 0 when neither)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] == b"\xff\xd8":
        at = 2
        while at + 9 < len(data):
            if data[at] != 0xFF:
                break
            marker, length = data[at + 1], int.from_bytes(data[at + 2 : at + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                return int.from_bytes(data[at + 7 : at + 9], "big"), int.from_bytes(data[at + 5 : at + 7], "big")
            at += 2 + length
    return 0, 0


def _table(value, options, depth):
    pandas = sys.modules.get("pandas")
    if pandas is None:
        return None
    if isinstance(value, pandas.Series):
        frame = value.to_frame(name=value.name if value.name is not None else "value")
        kind = "series"
    elif isinstance(value, pandas.DataFrame):
        frame, kind = value, "dataframe"
    else:
        return None
    columns = list(frame.columns[:MAX_COLUMNS])
    shown = frame.iloc[options.offset : options.offset + options.rows, :MAX_COLUMNS]
    return {
        "kind": "table",
        "type": kind,
        "columns": [_cell(column) for column in columns],
        "dtypes": [str(frame.dtypes.iloc[index]) for index in range(len(columns))],
        "columnCount": int(frame.shape[1]),
        "rowCount": int(frame.shape[0]),
        "offset": options.offset,
        "index": [_cell(label) for label in shown.index],
        "rows": [[_cell(cell) for cell in row] for row in shown.itertuples(index=False, name=None)],
    }


def _array(value, options, depth):
    numpy = sys.modules.get("numpy")
    if numpy is None or not isinstance(value, numpy.ndarray):
        return None
    rendered = {"kind": "array", "shape": [int(size) for size in value.shape], "dtype": str(value.dtype), "size": int(value.size)}
    numeric = value.dtype.kind in "biuf" and value.size > 0
    if numeric:
        finite = value[numpy.isfinite(value)] if value.dtype.kind == "f" else value
        if finite.size:
            rendered.update(min=_number(finite.min()), max=_number(finite.max()), mean=_number(finite.mean(dtype="float64")))
    rendered["preview"] = numpy.array2string(value, threshold=200, edgeitems=3, max_line_width=120)
    if value.ndim in (1, 2):
        rows = value.reshape(-1, 1) if value.ndim == 1 else value
        shown = rows[options.offset : options.offset + options.rows, :MAX_COLUMNS]
        rendered.update(offset=options.offset, rowCount=int(rows.shape[0]), rows=[[_cell(cell) for cell in row] for row in shown])
    if numeric and value.ndim == 2 and value.size <= HEATMAP_CELLS and "min" in rendered:
        low, high = rendered["min"], rendered["max"]
        span = (high - low) or 1
        rendered["heatmap"] = [
            [None if not math.isfinite(float(cell)) else round((float(cell) - low) / span, 4) for cell in row] for row in value.tolist()
        ]
    return rendered


def _number(value):
    number = float(value)
    return number if math.isfinite(number) else None


def _html(value, options, depth):
    if isinstance(value, type):
        return None
    shown = getattr(value, "_repr_html_", None)
    if not callable(shown):
        return None
    html = shown()
    if not isinstance(html, str):
        return None
    return {"kind": "html", "html": html[:HTML_LIMIT], "truncated": len(html) > HTML_LIMIT, "text": _text(value)["text"], "source": _type_name(value)}


def _container(value, options, depth):
    if isinstance(value, dict):
        items = list(value.items())
        kind = "dict"
    elif isinstance(value, (list, tuple)):
        items = list(enumerate(value))
        kind = type(value).__name__ if type(value) in (list, tuple) else _type_name(value)
    else:
        return None
    entries = []
    for key, item in items[:MAX_ENTRIES]:
        shown = render(item, options, depth + 1) if depth < MAX_DEPTH else _text(item, 2000)
        entries.append({"key": _cell(key), "kind": shown["kind"], "value": shown})
    return {"kind": "mapping", "type": kind, "length": len(items), "entries": entries, "text": _text(value, 2000)["text"]}


def _text(value, limit=TEXT_LIMIT):
    text = replay_run.safe_str(value)
    return {"kind": "text", "text": text[:limit], "truncated": len(text) > limit, "type": _type_name(value)}


def _cell(value):
    text = replay_run.safe_str(value)
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT] + "…"
