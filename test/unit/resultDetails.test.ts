import * as assert from 'assert';
import { ResultDetailsReader } from '../../src/covalent/resultDetails';
import { tobjArchive } from '../support/tobj';

const SERVER = 'http://covalent.test:48008';
const ID = '11111111-2222-4333-8444-555555555555';
const PARENT = '99999999-2222-4333-8444-555555555555';

function asset(path: string, size: number) {
  // The server names its files with its own idea of its address.
  return { remote_uri: `http://localhost:48008/api/v0/files/${path}`, size, digest: null };
}

function manifest(files: Record<string, Uint8Array>) {
  const size = (path: string) => files[path]?.byteLength ?? 0;
  const nodeAssets = (owner: string, node: number) => ({
    output: asset(`${owner}/node_${node}/results.tobj`, size(`${owner}/node_${node}/results.tobj`)),
    stdout: asset(`${owner}/node_${node}/stdout.log`, size(`${owner}/node_${node}/stdout.log`)),
    stderr: asset(`${owner}/node_${node}/stderr.log`, size(`${owner}/node_${node}/stderr.log`)),
    error: asset(`${owner}/node_${node}/error.log`, size(`${owner}/node_${node}/error.log`)),
    function_string: asset(`${owner}/node_${node}/function_string.txt`, size(`${owner}/node_${node}/function_string.txt`)),
  });
  return {
    metadata: { dispatch_id: ID, status: 'COMPLETED' },
    assets: { result: asset(`${ID}/node_2/results.tobj`, size(`${ID}/node_2/results.tobj`)), error: asset(`${PARENT}/error.log`, 0) },
    lattice: {
      metadata: { name: 'workflow', executor: 'dask', workflow_executor: 'dask' },
      assets: { inputs: asset(`${PARENT}/inputs.tobj`, size(`${PARENT}/inputs.tobj`)), workflow_function_string: asset(`${PARENT}/function_string.txt`, 10) },
      transport_graph: {
        nodes: [
          { id: 0, metadata: { name: 'task_0', status: 'COMPLETED', executor: 'dask' }, assets: nodeAssets(PARENT, 0) },
          { id: 1, metadata: { name: 'big', status: 'COMPLETED', executor: 'local' }, assets: nodeAssets(ID, 1) },
          { id: 2, metadata: { name: 'broken', status: 'FAILED', executor: 'dask' }, assets: { ...nodeAssets(ID, 2), stderr: asset(`${ID}/node_2/stderr.log`, 50) } },
        ],
        links: [],
      },
    },
  };
}

interface Served {
  readonly requests: { url: string; range?: string }[];
  readonly fetch: typeof fetch;
}

/** A fake of the server's file API: honours Range like Starlette's FileResponse unless told not to. */
function server(files: Record<string, Uint8Array>, options: { honourRange?: boolean; manifestBody?: string; manifestStatus?: number } = {}): Served {
  const requests: { url: string; range?: string }[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    await Promise.resolve();
    const url = input instanceof Request ? input.url : input.toString();
    const range = (init?.headers as Record<string, string> | undefined)?.range;
    requests.push({ url, range });
    const path = new URL(url).pathname;
    if (path === '/api/v2/dispatches') {
      const asked = new URL(url).searchParams.get('dispatch_id');
      return new Response(JSON.stringify({ dispatches: asked === ID ? [{ dispatch_id: ID, status: 'COMPLETED' }] : [] }), { status: 200 });
    }
    if (path === `/api/v2/dispatches/${ID}`) {
      return new Response(options.manifestBody ?? JSON.stringify(manifest(files)), { status: options.manifestStatus ?? 200 });
    }
    const inputs = /^\/api\/v1\/dispatches\/[^/]+\/electron\/(\d+)\/details\/inputs$/.exec(path);
    if (inputs) return new Response(JSON.stringify({ data: `{'args': (${inputs[1]},), 'kwargs': {}}` }), { status: 200 });
    const file = path.replace('/api/v0/files/', '');
    const body = files[file];
    if (!body) return new Response('Internal Server Error', { status: 500 });
    const match = range ? /bytes=(\d+)-(\d+)/.exec(range) : null;
    if (match && options.honourRange !== false) {
      const start = Number(match[1]);
      const end = Math.min(Number(match[2]), body.byteLength - 1);
      if (start >= body.byteLength) return new Response(null, { status: 416 });
      return new Response(Buffer.from(body.slice(start, end + 1)), { status: 206, headers: { 'content-range': `bytes ${start}-${end}/${body.byteLength}` } });
    }
    return new Response(Buffer.from(body), { status: 200 });
  };
  return { requests, fetch: fake };
}

const text = (value: string) => new TextEncoder().encode(value);

describe('ResultDetailsReader', () => {
  const big = 'x'.repeat(50_000);
  const files: Record<string, Uint8Array> = {
    [`${PARENT}/node_0/results.tobj`]: tobjArchive('{"attrs": {"doc": "int"}}', '1'),
    [`${PARENT}/node_0/function_string.txt`]: text('@ct.electron\ndef task_0(a):\n    return a\n'),
    [`${ID}/node_1/results.tobj`]: tobjArchive(JSON.stringify({ attrs: { doc: 'd'.repeat(9000) } }), big),
    [`${ID}/node_1/stdout.log`]: text('<script>alert(1)</script>\n'),
    [`${ID}/node_2/stderr.log`]: text('Traceback (most recent call last):\nZeroDivisionError'),
    [`${ID}/node_2/results.tobj`]: tobjArchive('{}', '1.5'),
    [`${PARENT}/inputs.tobj`]: tobjArchive('{}', "{'args': (1, 2), 'kwargs': {}}"),
  };

  it('reads a task’s result, source and inputs from the manifest’s files at the configured address', async () => {
    const fake = server(files);
    const reader = new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, fetch: fake.fetch });
    const details = await reader.task(ID, 0);
    assert.strictEqual(details.name, 'task_0');
    assert.strictEqual(details.executor, 'dask');
    assert.deepStrictEqual(details.fields.result, { text: '1', truncated: false, totalBytes: 1 });
    assert.match(details.fields.source.text, /def task_0/);
    assert.strictEqual(details.fields.inputs.text, "{'args': (0,), 'kwargs': {}}");
    assert.deepStrictEqual(details.fields.stdout, { text: '', truncated: false }, 'size 0: not asked for');
    assert.ok(fake.requests.every((request) => request.url.startsWith(SERVER)), 'every request goes to the configured address');
    assert.ok(!fake.requests.some((request) => request.url.endsWith('stdout.log')), 'empty files are not fetched (the server answers 500 for them)');
  });

  it('cuts a large value, says how large it is, and reads all of it on request', async () => {
    const fake = server(files);
    const reader = new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, previewBytes: 1000, fetch: fake.fetch });
    const details = await reader.task(ID, 1);
    assert.strictEqual(details.fields.result.text, 'x'.repeat(1000));
    assert.strictEqual(details.fields.result.truncated, true);
    assert.strictEqual(details.fields.result.totalBytes, 50_000);
    assert.ok(
      fake.requests.filter((request) => request.url.endsWith('node_1/results.tobj')).every((request) => request.range),
      'only ranges of the archive were asked for',
    );
    assert.strictEqual(details.fields.stdout.text, '<script>alert(1)</script>\n', 'text is passed on as it is; the page shows it as text');
    const full = await reader.fullValue(ID, 1, 'result');
    assert.strictEqual(full.text, big);
    assert.strictEqual(full.truncated, false);
  });

  it('cuts values the same way when the server ignores Range', async () => {
    const reader = new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, previewBytes: 100, fetch: server(files, { honourRange: false }).fetch });
    const details = await reader.task(ID, 1);
    assert.strictEqual(details.fields.result.text.length, 100);
    assert.strictEqual(details.fields.result.truncated, true);
    assert.strictEqual(details.fields.result.totalBytes, 50_000);
  });

  it('shows why a field is missing without losing the others', async () => {
    const reader = new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, fetch: server(files).fetch });
    const details = await reader.task(ID, 2);
    assert.match(details.fields.stderr.text, /ZeroDivisionError/);
    assert.strictEqual(details.fields.result.text, '1.5');
    // function_string.txt has a size but the server answers 500 for it.
    const brokenFiles = { ...files };
    delete brokenFiles[`${PARENT}/node_0/function_string.txt`];
    const broken = await new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, fetch: server(brokenFiles).fetch }).task(ID, 0);
    assert.strictEqual(broken.fields.result.text, '1');
    assert.strictEqual(broken.fields.source.text, '');
    assert.strictEqual(broken.fields.source.unavailable, undefined, 'size 0 in this manifest: nothing to fetch');
  });

  it('reports a broken file as unavailable with the server’s answer', async () => {
    const withSize: Record<string, Uint8Array | undefined> = { ...files, [`${ID}/node_2/error.log`]: text('boom') };
    const fake = server(withSize as Record<string, Uint8Array>);
    const reader = new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, fetch: fake.fetch });
    await reader.manifest(ID);
    // The file disappears after the manifest was read.
    delete withSize[`${ID}/node_2/error.log`];
    const details = await reader.task(ID, 2);
    assert.match(details.fields.error.unavailable ?? '', /answered 500/);
    assert.match(details.fields.stderr.text, /Traceback/);
  });

  it('reads the workflow’s inputs and result and finds the parent of a redispatch', async () => {
    const reader = new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, fetch: server(files).fetch });
    const workflow = await reader.workflow(ID);
    assert.strictEqual(workflow.name, 'workflow');
    assert.strictEqual(workflow.fields.inputs.text, "{'args': (1, 2), 'kwargs': {}}");
    assert.strictEqual(workflow.fields.result.text, '1.5');
    assert.strictEqual(await reader.parentOf(ID), PARENT);
    const results = await reader.taskResults(ID, [0, 1, 2], 10);
    assert.strictEqual(results.get(0), '1');
    assert.strictEqual(results.get(1), `${'x'.repeat(10)}…`);
  });

  it('says clearly when the server does not know the dispatch or is not a Covalent server', async () => {
    const unknown = new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, fetch: server(files, { manifestStatus: 404, manifestBody: '{"detail":"not found"}' }).fetch });
    await assert.rejects(() => unknown.task(ID, 0), /does not know dispatch/);
    const html = new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, fetch: server(files, { manifestBody: '<html>proxy login</html>' }).fetch });
    await assert.rejects(() => html.task(ID, 0), /not JSON/);
    const odd = new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, fetch: server(files, { manifestBody: '{"hello": 1}' }).fetch });
    await assert.rejects(() => odd.workflow(ID), /not what a Covalent 0.240 server sends/);
    const missingTask = new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, fetch: server(files).fetch });
    await assert.rejects(() => missingTask.task(ID, 42), /has no task 42/);
  });

  it('tells a known dispatch from an unknown one with one small request', async () => {
    const fake = server(files);
    const reader = new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, fetch: fake.fetch });
    assert.strictEqual(await reader.exists(ID), true);
    assert.strictEqual(await reader.exists(PARENT), false);
    assert.ok(fake.requests.every((request) => !request.url.includes(`/dispatches/${ID}`)), 'the manifest was not read');
    const html = new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, fetch: () => Promise.resolve(new Response('<html></html>', { status: 200 })) });
    await assert.rejects(() => html.exists(ID), /not JSON/);
  });

  it('says when the server is unreachable or too slow', async () => {
    const refused = (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
    await assert.rejects(() => new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 1000, fetch: refused }).task(ID, 0), /cannot be reached/);
    const slow = ((_url: string, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))))) as typeof fetch;
    await assert.rejects(() => new ResultDetailsReader({ serverAddress: SERVER, timeoutMs: 50, fetch: slow }).task(ID, 0), /did not answer within 50 ms/);
  });
});
