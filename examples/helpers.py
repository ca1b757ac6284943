"""Plain helpers of the example project, used inside electrons. Not Covalent
code: when the editor dispatches a workflow that uses them, they are shipped
with it, so the server needs none of these files."""


def double(value):
    return 2 * value


def describe(total, count):
    return f"{count} values, total {total}"
