import covalent as ct
from helpers import describe, double


@ct.electron
def shift(value, by):
    return double(value) + by


@ct.electron
def total(values):
    return sum(values)


@ct.electron
def count(values):
    return len(values)


@ct.electron
def report(amount, size):
    return describe(amount, size)
