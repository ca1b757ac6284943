"""A fan-out: many small tasks at once, then one task that gathers where they ran.

Each task answers with the address of the Dask worker it ran on ("not on a
Dask worker" for executors that are not Dask, such as `local`). Dispatch it as
written (the server's own cluster), then choose another executor in the lens
row above the lattice, for example the `cluster` profile `npm start --cluster`
adds, and watch the same tasks spread over that cluster's workers.
"""
import time

import covalent as ct


@ct.electron
def where(index, seconds):
    time.sleep(seconds)
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "not on a Dask worker"


@ct.electron
def gather(addresses):
    return sorted(set(addresses))


@ct.lattice
def fan_out(tasks=16, seconds=0.5):
    return gather([where(index, seconds) for index in range(tasks)])


if __name__ == "__main__":
    print(ct.dispatch(fan_out)())
