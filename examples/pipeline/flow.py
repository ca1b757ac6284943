"""Dispatch `summary` with keyword inputs, for example `values=[1, 2, 3], by=1`
→ "3 values, total 15". `shifted` is a sublattice: the server builds its graph
in a worker."""

import covalent as ct

from .steps import count, report, shift, total


@ct.electron
@ct.lattice
def shifted(values, by):
    return [shift(value, by) for value in values]


@ct.lattice
def summary(values, by=0):
    moved = shifted(values, by)
    return report(total(moved), count(values))
