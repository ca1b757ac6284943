"""The Covalent for VS Code bridge: a long-lived Python process that imports
`covalent` once and dispatches workflows for the editor; each request's user
code runs in a process of its own (see isolation).

JSON-RPC 2.0 over stdio with `Content-Length` framing (what `vscode-jsonrpc`
speaks). Standard library plus `covalent` only. stdout carries the protocol and
nothing else: the user's `print` calls (at import time or in the SDK) are sent
to stderr, which the editor shows in its "Covalent" output channel.

Modules, each importing only modules listed before it (no import circles):
`owner` (a process that ends when its owner does), `stdio` (the protocol's own
stdin and stdout, taken first), `errors` (the errors a request ends with, the
log), `deadline` (the build deadline's clock in a request's process), `progress`
(a submission's progress reports, and the editor's cancel once it registered),
`manifest_posts` (the SDK's manifest posts declared as JSON, with time for
their size), `auth`
(each call's server tokens and request timeout on every request the SDK makes),
`uploads` (a dispatch's asset uploads over one keep-alive pool, in place of the
SDK's one-connection-per-asset transfers),
`sources` (where the user's code is written), `protocol` (the handler table and
how one request is answered), `runtime` (what this interpreter has: covalent,
cloudpickle), `workspace` (importing the user's code), `notebook_statements`
(what a notebook's top-level statement binds, reads and calls),
`notebook_ipython` (a cell's IPython lines as Python), `notebook_cells` and
`notebook` (a notebook's cells run as a kernel's `__main__`), `workflow` (a
request's module: its file or its notebook), `replay_run` (running one prepared
task in a process of its own: the code of the program `replay_runner.py`, which
runs it plainly or under debugpy), `submissions` (a dispatch or redispatch
reported phase by phase, its id chosen before it registers, and deleted when
cancelled after); then the modules that answer requests:
`electrons`, `inputs`, `executors`, `sdk`, `replay`, `preview`, `values` (a
recorded value drawn as the result panel shows it); `handlers`
(`initialize`, and every module above that answers requests); `child` (a
request's own process: it answers one request and ends), `preload` (what the
fork server imports), `isolation` (running a request in its own process, with
its deadline), `server` (framing and the serve loop). A module adds requests
with `@protocol.handler("name")`; `__main__` takes stdio, imports `handlers`
and serves.
"""
