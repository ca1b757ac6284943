"""A workflow whose middle task raises: the dispatch ends FAILED and the error
points at `divide`."""
import covalent as ct


@ct.electron
def prepare(values):
    return list(values)


@ct.electron
def divide(values, by):
    if by == 0:
        raise ZeroDivisionError(f"cannot divide {len(values)} values by zero")
    return [value / by for value in values]


@ct.electron
def total(values):
    return sum(values)


@ct.lattice
def failing_workflow(values, by=0):
    prepared = prepare(values)
    divided = divide(prepared, by)
    return total(divided)


if __name__ == "__main__":
    print(ct.dispatch(failing_workflow)([1, 2, 3]))
