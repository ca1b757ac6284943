"""A workflow whose tasks sleep, so you can watch them run (and cancel them)."""
import time

import covalent as ct


@ct.electron
def nap(seconds, label):
    time.sleep(seconds)
    return f"{label} slept {seconds}s"


@ct.electron
def gather(*naps):
    return list(naps)


@ct.lattice
def long_running(seconds=5, steps=4):
    first = nap(seconds, "warm-up")
    naps = [nap(seconds, f"step {index}") for index in range(steps)]
    return gather(first, *naps)


if __name__ == "__main__":
    print(ct.dispatch(long_running)())
