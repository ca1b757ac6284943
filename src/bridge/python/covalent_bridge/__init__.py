"""The Covalent for VS Code bridge: a long-lived Python process that imports
`covalent` once and dispatches workflows for the editor.

JSON-RPC 2.0 over stdio with `Content-Length` framing (what `vscode-jsonrpc`
speaks). Standard library plus `covalent` only. stdout carries the protocol and
nothing else: the user's `print` calls (at import time or in the SDK) are sent
to stderr, which the editor shows in its "Covalent" output channel.

Modules, each importing only modules listed before it (no import circles):
`errors` (the errors a request ends with, the log), `auth` (each call's server
tokens on every request the SDK makes), `sources` (where the user's code is
written), `protocol` (framing, the serve loop, the handler table), `runtime`
(what this interpreter has: covalent, cloudpickle), `workspace` (importing the
user's code), `notebook_cells` and `notebook` (a notebook's cells run as a
kernel's `__main__`), `workflow` (a request's module: its file or its notebook),
`replay_run` (running one prepared task in a process of its own: the code of the
program `replay_runner.py`, which runs it plainly or under debugpy); then the
modules that answer requests: `electrons` (what a file defines), `inputs` (the
typed call arguments), `executors` (the installed plugins, an executor choice
applied at dispatch), `sdk` (dispatch, redispatch, cancel, triggers, waiting),
`replay` (preparing one task of a dispatch to run again here, with its recorded
inputs, and running it), `preview` (a workflow's graph built locally, nothing
dispatched); and `handlers` (`initialize`, and every module above that answers
requests). A module adds requests with `@protocol.handler("name")`; `__main__`
imports `handlers`.
"""
