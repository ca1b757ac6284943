"""The workflow from Covalent's "How to redispatch a workflow" guide.

Dispatch `workflow` with inputs `1, 2` (result 1.5), then redispatch it replacing
`task_2` with `task_2_redefined` (result 6), optionally reusing previous results,
or with new inputs `1, 4` (result 20).
"""
import covalent as ct


@ct.electron
def task_0(a):
    return a


@ct.electron
def task_1(a, b):
    return a + b


@ct.electron
def task_2(a, b):
    return a / b


@ct.electron
def task_2_redefined(a, b):
    return a * b


@ct.lattice
def workflow(a, b):
    res_0 = task_0(a)
    res_1 = task_1(res_0, b)
    res_2 = task_2(res_1, b)
    return res_2


if __name__ == "__main__":
    dispatch_id = ct.dispatch(workflow)(1, 2)
    print(f"Dispatch id: {dispatch_id}")
