"""A workflow with a trigger: once dispatched, the triggers server runs it again
every few seconds until its triggers are stopped (Covalent: Stop Triggers)."""
import time

import covalent as ct
from covalent.triggers import TimeTrigger


@ct.electron
def stamp(label):
    return f"{label} at {time.strftime('%H:%M:%S')}"


@ct.lattice(triggers=TimeTrigger(time_gap=2))
def every_two_seconds(label="tick"):
    return stamp(label)


if __name__ == "__main__":
    print(ct.dispatch(every_two_seconds)())
