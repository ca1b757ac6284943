"""One dispatch or redispatch the SDK submits, as the editor sees it: reported
phase by phase (building, serializing, registering, uploading, starting), with its
dispatch id chosen before it is registered, and deleted from the server when the
editor cancels it after it registered."""

import contextlib
import time
import uuid

from . import deadline, progress, runtime
from .errors import Cancelled, log


class _Submitted:
    dispatch_id = None  # assigned just before the registration is sent


@contextlib.contextmanager
def submission(address):
    """One dispatch or redispatch call of the SDK, reported phase by phase (see
    progress), with its dispatch id chosen here before it is registered (the
    server keeps an id the manifest gives), so a cancelled submission can always
    be deleted. A cancel from the editor is checked after the registration,
    between uploads and before the start."""
    submitted = _Submitted()
    try:
        from covalent._dispatcher_plugins import local as local_plugin

        dispatcher = local_plugin.LocalDispatcher
        names = ("register_manifest", "register_derived_manifest", "start")
        saved = {name: dispatcher.__dict__[name] for name in names}
        sdk_serialize = local_plugin.serialize_result  # a dispatch's (prepare_manifest) and a redispatch's
    except (ImportError, AttributeError, KeyError):
        yield submitted  # another SDK layout: no phases, and the editor's cancel kills the process
        return
    sdk = {name: getattr(dispatcher, name) for name in names}

    def preassigned(manifest):
        if not manifest.metadata.dispatch_id:
            manifest.metadata.dispatch_id = str(uuid.uuid4())
        submitted.dispatch_id = manifest.metadata.dispatch_id
        progress.report("registering", tasks=_task_count(manifest), dispatchId=submitted.dispatch_id)

    def serialize_result(result_object, storage_path):
        progress.report("serializing", tasks=_task_count_of_graph(getattr(result_object, "lattice", None)))
        return sdk_serialize(result_object, storage_path)

    def register_manifest(manifest, dispatcher_addr=None, push_assets=True):
        preassigned(manifest)
        registered = sdk["register_manifest"](manifest, dispatcher_addr, push_assets)
        progress.check()
        return registered

    def register_derived_manifest(manifest, dispatch_id, reuse_previous_results=False, dispatcher_addr=None):
        preassigned(manifest)
        registered = sdk["register_derived_manifest"](
            manifest, dispatch_id, reuse_previous_results=reuse_previous_results, dispatcher_addr=dispatcher_addr
        )
        progress.check()
        return registered

    def start(dispatch_id, dispatcher_addr=None):
        progress.check()
        progress.report("starting", dispatchId=dispatch_id)
        return sdk["start"](dispatch_id, dispatcher_addr)

    progress.report("building")
    for function in (register_manifest, register_derived_manifest, start):
        setattr(dispatcher, function.__name__, staticmethod(function))
    local_plugin.serialize_result = serialize_result
    try:
        yield submitted
    finally:
        local_plugin.serialize_result = sdk_serialize
        for name, original in saved.items():
            setattr(dispatcher, name, original)


_PARAMETER_PREFIX = ":parameter:"  # Covalent's name for a node that holds one input value


def _task_count(manifest):
    """The manifest's tasks: its graph's nodes but those that hold an input value."""
    try:
        return sum(1 for node in manifest.lattice.transport_graph.nodes if not str(node.metadata.name).startswith(_PARAMETER_PREFIX))
    except AttributeError:
        return None


def _task_count_of_graph(lattice):
    """The built graph's tasks, counted as _task_count counts them."""
    try:
        names = (data.get("name") for _, data in lattice.transport_graph._graph.nodes(data=True))
        return sum(1 for name in names if not str(name).startswith(_PARAMETER_PREFIX))
    except AttributeError:
        return None


def withdrawn(address, dispatch_id):
    """The Cancelled a cancelled submission ends with, once what it registered is deleted."""
    if dispatch_id is None:
        return Cancelled()
    progress.report("deleting", dispatchId=dispatch_id)
    return Cancelled(**withdraw(address, dispatch_id))


def withdraw(address, dispatch_id):
    """Deletes a dispatch registered by a cancelled submission (the UI API's delete):
    `{dispatchId, leftOnServer}`, and the `error` when it is left."""
    import requests

    base = runtime.server_url(address).rstrip("/")
    try:
        for attempt in range(2):
            with deadline.paused():
                answer = requests.post("%s/api/v1/dispatches/delete" % base, json={"dispatches": [dispatch_id]})
                answer.raise_for_status()
                if dispatch_id in (answer.json().get("success_items") or []):
                    return {"dispatchId": dispatch_id, "leftOnServer": False}
                # Not deleted: never registered (a process stopped while its registration
                # was on the way, which the server may still be importing) or not found.
                if attempt == 0:
                    time.sleep(1.0)
                    continue
                found = requests.get("%s/api/v2/dispatches/%s" % (base, dispatch_id))
                if found.status_code == 404:
                    return {"dispatchId": dispatch_id, "leftOnServer": False}
                return {"dispatchId": dispatch_id, "leftOnServer": True, "error": "the server did not delete it"}
    except Exception as error:  # noqa: BLE001 - whatever stops the delete is reported with the id
        log("Deleting the cancelled dispatch %s failed: %s" % (dispatch_id, error))
        return {"dispatchId": dispatch_id, "leftOnServer": True, "error": "%s: %s" % (type(error).__name__, error)}
