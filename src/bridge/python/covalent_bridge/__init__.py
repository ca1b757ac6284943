"""The Covalent for VS Code bridge: a long-lived Python process that imports
`covalent` once and dispatches workflows for the editor.

JSON-RPC 2.0 over stdio with `Content-Length` framing (what `vscode-jsonrpc`
speaks). Standard library plus `covalent` only. stdout carries the protocol and
nothing else: the user's `print` calls (at import time or in the SDK) are sent
to stderr, which the editor shows in its "Covalent" output channel.

Modules: `protocol` (framing, the serve loop, the handler table), `errors`,
`runtime` (what this interpreter has: covalent, cloudpickle), `auth` (each call's
server tokens on every request the SDK makes), `workspace`
(importing the user's code), `inputs` (the typed call arguments), `sdk`
(dispatch, redispatch, cancel, triggers, waiting), `replay` (running one task
of a dispatch again here, with its recorded inputs; `replay_runner.py` is the
program that runs it, plainly or under debugpy), `preview` (a workflow's
graph built locally, nothing dispatched). A module adds requests with
`@protocol.handler("name")`; `__main__` imports the modules that do.
"""
