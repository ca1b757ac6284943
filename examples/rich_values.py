"""Results worth looking at: a figure, a table, an array and a dict of them.

Dispatch `gallery` from the CodeLens, open its result, and select a task: the
result panel draws each value (Covalent UI prints `<Figure size 400x300 with 1
Axes>`). Needs numpy, pandas and matplotlib in the interpreter and on the server.
"""

import covalent as ct


@ct.electron
def figure(points: int):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    ax.plot([value * value for value in range(points)], marker="o")
    ax.set_title("squares")
    return fig


@ct.electron
def table(rows: int):
    import numpy as np
    import pandas as pd

    index = np.arange(rows)
    return pd.DataFrame({"x": index, "y": index * 2.5, "label": [f"row {value}" for value in index]})


@ct.electron
def array(size: int):
    import numpy as np

    return np.arange(size * size, dtype=np.float64).reshape(size, size)


@ct.electron
def summary(frame, matrix):
    return {"rows": len(frame), "trace": float(matrix.trace()), "corner": matrix[:2, :2]}


@ct.lattice
def gallery(rows: int = 1000, size: int = 8):
    frame = table(rows)
    matrix = array(size)
    return {"figure": figure(12), "table": frame, "array": matrix, "summary": summary(frame, matrix)}
