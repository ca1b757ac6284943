import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { performance } from 'perf_hooks';
import { CovalentClient } from '../../src/covalent/client';
import { HttpStatusError, InvalidResponseError, ServerTimeoutError, ServerUnreachableError, UnknownDispatchError } from '../../src/covalent/errors';
import type { ResultDetailsReader } from '../../src/covalent/resultDetails';
import type { LruBounds } from '../../src/util/lruCache';
import { tobjArchive } from '../support/tobj';
import { waitFor } from '../support/wait';

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
          {
            id: 1,
            metadata: {
              name: 'big',
              status: 'COMPLETED',
              executor: 'ssh',
              executor_data: { short_name: 'ssh', attributes: { hostname: 'hpc.example.org', username: 'ada', ssh_key_file: '/home/ada/.ssh/id_rsa', password: 'hunter2', remote_cache: '' } },
            },
            assets: nodeAssets(ID, 1),
          },
          {
            id: 2,
            metadata: {
              name: 'broken',
              status: 'FAILED',
              executor: 'dask',
              executor_data: { short_name: 'dask', attributes: { scheduler_address: 'tcp://10.0.0.5:8786', cache_dir: '/home/ada/.cache/covalent', log_stdout: 'stdout.log' } },
            },
            assets: { ...nodeAssets(ID, 2), stderr: asset(`${ID}/node_2/stderr.log`, 50) },
          },
        ],
        links: [],
      },
    },
  };
}

interface Served {
  readonly address: string;
  readonly requests: { url: string; range?: string; authorization?: string }[];
  /** The details reader of a client of this server (the way the extension gets one). */
  reader(options?: { previewBytes?: number; timeoutMs?: number; token?: string; manifestCache?: LruBounds; manifestFreshMs?: number }): ResultDetailsReader;
}

const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function readerOf(address: string, options: Parameters<Served['reader']>[0] = {}): ResultDetailsReader {
  const { previewBytes, manifestCache, manifestFreshMs, token } = options;
  return new CovalentClient({ baseUrl: address, timeoutMs: options.timeoutMs ?? 1000, token: token ? () => token : undefined, details: { previewBytes, manifestCache, manifestFreshMs } }).details;
}

/** A fake of the server's file API on a local port: honours Range like Starlette's FileResponse unless told not to. */
async function server(
  files: Record<string, Uint8Array>,
  options: {
    honourRange?: boolean;
    manifestBody?: (dispatchId: string) => string | undefined;
    manifestStatus?: number;
    hang?: boolean;
    /** One file answered with `bytes` bytes whatever the Range, written as the client reads (no Content-Length unless `declareLength`). */
    flood?: { path: string; bytes: number; declareLength?: boolean; written?: number; hungUp?: boolean };
  } = {},
): Promise<Served> {
  const requests: Served['requests'] = [];
  const answer = (url: URL, range: string | undefined): { status: number; body?: string | Uint8Array; headers?: Record<string, string> } => {
    const path = url.pathname;
    if (path === '/api/v2/dispatches') {
      const asked = url.searchParams.get('dispatch_id');
      const dispatches = asked === ID ? [{ dispatch_id: ID, status: 'COMPLETED' }] : [];
      return { status: 200, body: JSON.stringify({ dispatches, metadata: { count: dispatches.length } }) };
    }
    const manifestOf = /^\/api\/v2\/dispatches\/([^/]+)$/.exec(path)?.[1];
    if (manifestOf !== undefined) {
      const body = options.manifestBody?.(manifestOf) ?? (manifestOf === ID ? JSON.stringify(manifest(files)) : undefined);
      if (body === undefined) return { status: 404, body: '{"detail":"not found"}' };
      return { status: options.manifestStatus ?? 200, body };
    }
    const inputs = /^\/api\/v1\/dispatches\/[^/]+\/electron\/(\d+)\/details\/inputs$/.exec(path);
    if (inputs) return { status: 200, body: JSON.stringify({ data: `{'args': (${inputs[1]},), 'kwargs': {}}` }) };
    const file = files[path.replace('/api/v0/files/', '')];
    if (!file) return { status: 500, body: 'Internal Server Error' };
    const match = range ? /bytes=(\d+)-(\d+)/.exec(range) : null;
    if (match && options.honourRange !== false) {
      const start = Number(match[1]);
      const end = Math.min(Number(match[2]), file.byteLength - 1);
      if (start >= file.byteLength) return { status: 416 };
      return { status: 206, body: file.slice(start, end + 1), headers: { 'content-range': `bytes ${start}-${end}/${file.byteLength}` } };
    }
    return { status: 200, body: file };
  };
  const httpServer = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    requests.push({ url: url.toString(), range: request.headers.range, authorization: request.headers.authorization });
    if (options.hang) return;
    const flood = options.flood;
    if (flood && url.pathname === `/api/v0/files/${flood.path}`) {
      response.writeHead(200, flood.declareLength ? { 'content-length': String(flood.bytes) } : {});
      const chunk = Buffer.alloc(64 * 1024, 'y');
      flood.written = 0;
      response.on('close', () => (flood.hungUp = (flood.written ?? 0) < flood.bytes));
      const pump = (): void => {
        while (!response.destroyed && (flood.written ?? 0) < flood.bytes) {
          const piece = chunk.subarray(0, Math.min(chunk.byteLength, flood.bytes - (flood.written ?? 0)));
          flood.written = (flood.written ?? 0) + piece.byteLength;
          if (!response.write(piece)) return void response.once('drain', pump);
        }
        if (!response.destroyed) response.end();
      };
      return pump();
    }
    const { status, body, headers } = answer(url, request.headers.range);
    response.writeHead(status, headers);
    response.end(body);
  });
  servers.push(httpServer);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const address = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return { address, requests, reader: (readerOptions) => readerOf(address, readerOptions) };
}

/** A server that answers every request with a page of HTML (a proxy's login page, say). */
async function htmlServer(): Promise<string> {
  const httpServer = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<html></html>');
  });
  servers.push(httpServer);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
}

/** An address where nothing listens: a port that was just free. */
async function closedPort(): Promise<string> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
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
    const fake = await server(files);
    const reader = fake.reader();
    const details = await reader.task(ID, 0);
    assert.strictEqual(details.name, 'task_0');
    assert.strictEqual(details.executor, "dask · the server's own cluster", 'a bare short name: the server builds it with its own settings');
    assert.deepStrictEqual(details.fields.result, { text: '1', truncated: false, totalBytes: 1 });
    assert.match(details.fields.source.text, /def task_0/);
    assert.strictEqual(details.fields.inputs.text, "{'args': (0,), 'kwargs': {}}");
    assert.deepStrictEqual(details.fields.stdout, { text: '', truncated: false }, 'size 0: not asked for');
    assert.ok(fake.requests.every((request) => request.url.startsWith(fake.address)), 'every request goes to the configured address');
    assert.ok(!fake.requests.some((request) => request.url.endsWith('stdout.log')), 'empty files are not fetched (the server answers 500 for them)');
  });

  it('says where each task runs: the executor and the settings that say where, never a secret', async () => {
    const fake = await server(files);
    const reader = fake.reader();
    const executors = await reader.taskExecutors(ID);
    assert.deepStrictEqual(executors.get(2), { name: 'dask', settings: [{ key: 'scheduler', value: 'tcp://10.0.0.5:8786' }], serverDefaults: false });
    assert.deepStrictEqual(executors.get(1)?.settings, [
      { key: 'host', value: 'hpc.example.org' },
      { key: 'user', value: 'ada' },
    ]);
    assert.ok(!JSON.stringify([...executors.values()]).includes('hunter2') && !JSON.stringify([...executors.values()]).includes('id_rsa'), 'no password, no key file');
    assert.strictEqual((await reader.task(ID, 2)).executor, 'dask · scheduler tcp://10.0.0.5:8786');
    const manifestReads = fake.requests.filter((request) => request.url.endsWith(`/api/v2/dispatches/${ID}`)).length;
    await reader.taskExecutors(ID);
    assert.strictEqual(fake.requests.filter((request) => request.url.endsWith(`/api/v2/dispatches/${ID}`)).length, manifestReads, 'a dispatch’s executors never change: no second read');
  });

  it('cuts a large value, says how large it is, and reads all of it on request', async () => {
    const fake = await server(files);
    const reader = fake.reader({ previewBytes: 1000 });
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
    const reader = (await server(files, { honourRange: false })).reader({ previewBytes: 100 });
    const details = await reader.task(ID, 1);
    assert.strictEqual(details.fields.result.text.length, 100);
    assert.strictEqual(details.fields.result.truncated, true);
    assert.strictEqual(details.fields.result.totalBytes, 50_000);
  });

  it('stops reading a file whose server ignores Range and sends far more than asked, and says the value is cut', async () => {
    const path = `${ID}/node_1/stdout.log`;
    const bytes = 64 * 1024 * 1024;
    const flood = { path, bytes, written: 0, hungUp: false };
    const reader = (await server(files, { flood })).reader({ previewBytes: 1000 });
    const { stdout } = (await reader.task(ID, 1)).fields;
    assert.deepStrictEqual(stdout, { text: 'y'.repeat(1000), truncated: true }, 'cut, its size unknown');
    await waitFor('the connection closed', () => flood.hungUp, 5000, 10);
    assert.ok(flood.written < bytes, `${flood.written} of ${bytes} bytes were written: the client read it to the end`);

    const declared = { path, bytes, declareLength: true, hungUp: false };
    const sized = (await server(files, { flood: declared })).reader({ previewBytes: 1000 });
    assert.deepStrictEqual((await sized.task(ID, 1)).fields.stdout, { text: 'y'.repeat(1000), truncated: true, totalBytes: bytes }, 'the size the server declared');
    await waitFor('the connection closed', () => declared.hungUp, 5000, 10);
  });

  it('shows why a field is missing without losing the others', async () => {
    const reader = (await server(files)).reader();
    const details = await reader.task(ID, 2);
    assert.match(details.fields.stderr.text, /ZeroDivisionError/);
    assert.strictEqual(details.fields.result.text, '1.5');
    // function_string.txt has a size but the server answers 500 for it.
    const brokenFiles = { ...files };
    delete brokenFiles[`${PARENT}/node_0/function_string.txt`];
    const broken = await (await server(brokenFiles)).reader().task(ID, 0);
    assert.strictEqual(broken.fields.result.text, '1');
    assert.strictEqual(broken.fields.source.text, '');
    assert.strictEqual(broken.fields.source.unavailable, undefined, 'size 0 in this manifest: nothing to fetch');
  });

  it('reports a broken file as unavailable with the server’s answer', async () => {
    const withSize: Record<string, Uint8Array | undefined> = { ...files, [`${ID}/node_2/error.log`]: text('boom') };
    const reader = (await server(withSize as Record<string, Uint8Array>)).reader();
    await reader.manifest(ID);
    // The file disappears after the manifest was read.
    delete withSize[`${ID}/node_2/error.log`];
    const details = await reader.task(ID, 2);
    assert.match(details.fields.error.unavailable ?? '', /answered 500/);
    assert.match(details.fields.stderr.text, /Traceback/);
  });

  it('reads the workflow’s inputs and result and finds the parent of a redispatch', async () => {
    const reader = (await server(files)).reader();
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
    const unknown = (await server(files, { manifestStatus: 404, manifestBody: () => '{"detail":"not found"}' })).reader();
    await assert.rejects(() => unknown.task(ID, 0), /does not know dispatch/);
    const html = (await server(files, { manifestBody: () => '<html>proxy login</html>' })).reader();
    await assert.rejects(() => html.task(ID, 0), /not JSON/);
    const odd = (await server(files, { manifestBody: () => '{"hello": 1}' })).reader();
    await assert.rejects(() => odd.workflow(ID), /not what a Covalent 0.240 server sends/);
    const missingTask = (await server(files)).reader();
    await assert.rejects(() => missingTask.task(ID, 42), /has no task 42/);
  });

  it('tells a known dispatch from an unknown one with one small request', async () => {
    const fake = await server(files);
    const reader = fake.reader();
    assert.strictEqual(await reader.exists(ID), true);
    assert.strictEqual(await reader.exists(PARENT), false);
    assert.ok(fake.requests.every((request) => !request.url.includes(`/dispatches/${ID}`)), 'the manifest was not read');
    const html = readerOf(await htmlServer());
    await assert.rejects(() => html.exists(ID), /not JSON/);
  });

  it('says when the server is unreachable or too slow', async () => {
    const refused = readerOf(await closedPort());
    await assert.rejects(() => refused.task(ID, 0), /cannot be reached/);
    const slow = await server(files, { hang: true });
    await assert.rejects(() => slow.reader({ timeoutMs: 50 }).task(ID, 0), /did not answer within 50 ms/);
  });

  it('sends the server’s token with the manifest, the inputs, every asset and Range read, and the task error read, and leaves no resource timings', async () => {
    performance.clearResourceTimings(); // Room in the timeline, whatever other tests sent.
    const fake = await server(files);
    const reader = fake.reader({ previewBytes: 1000, token: 's3cret' });
    await reader.task(ID, 1);
    await reader.workflow(ID);
    assert.match((await reader.taskError(ID, 2)) ?? '', /ZeroDivisionError/);
    assert.strictEqual(await reader.exists(ID), true);
    const kinds = new Set(fake.requests.map((request) => new URL(request.url).pathname.split('/').slice(0, 4).join('/')));
    assert.deepStrictEqual([...kinds].sort(), ['/api/v0/files', '/api/v1/dispatches', '/api/v2/dispatches'], 'files, inputs, manifest and status were all read');
    assert.ok(fake.requests.some((request) => request.range), 'some reads were Range reads');
    const without = fake.requests.filter((request) => request.authorization !== 'Bearer s3cret');
    assert.deepStrictEqual(without, [], 'every request carries the token');
    assert.ok(fake.requests.every((request) => !request.url.includes('s3cret')), 'never in the URL');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const kept = performance.getEntriesByType('resource').filter((entry) => entry.name.startsWith(fake.address));
    assert.strictEqual(kept.length, 0, `${kept.length} timeline entries of the reader's requests are kept`);
  });

  it('throws the client’s typed errors, with the messages people read', async () => {
    const reject = async (promise: Promise<unknown>) => promise.then(() => assert.fail('resolved'), (error: unknown) => error);
    const unknown = await reject((await server(files)).reader().task(PARENT, 0));
    assert.ok(unknown instanceof UnknownDispatchError && unknown instanceof HttpStatusError && unknown.status === 404, String(unknown));
    assert.match(unknown.message, new RegExp(`does not know dispatch ${PARENT}`));
    const failing = await reject((await server(files, { manifestStatus: 500, manifestBody: () => '{"detail":"database is locked"}' })).reader().manifest(ID));
    assert.ok(failing instanceof HttpStatusError && failing.status === 500, String(failing));
    assert.match(failing.message, /answered 500: database is locked/);
    const html = await reject((await server(files, { manifestBody: () => '<html>proxy login</html>' })).reader().manifest(ID));
    assert.ok(html instanceof InvalidResponseError, String(html));
    assert.match(html.message, /not JSON.*got HTML: <html>proxy login/);
    const odd = await reject((await server(files, { manifestBody: () => '{"metadata": {}, "lattice": {"transport_graph": {"nodes": [{"id": "zero"}]}}}' })).reader().manifest(ID));
    assert.ok(odd instanceof InvalidResponseError, String(odd));
    assert.match(odd.message, /lattice\.transport_graph\.nodes\[0\]\.id should be a number/);
    assert.ok((await reject(readerOf(await closedPort()).manifest(ID))) instanceof ServerUnreachableError);
    assert.ok((await reject((await server(files, { hang: true })).reader({ timeoutMs: 50 }).manifest(ID))) instanceof ServerTimeoutError);
  });

  it('keeps finished manifests, reads running ones again after their freshness window, and holds no more than its bounds', async () => {
    const ids = Array.from({ length: 5 }, (_, index) => `${index}0000000-2222-4333-8444-555555555555`);
    const [first, , , , running] = ids as [string, string, string, string, string];
    const body = (dispatchId: string) => JSON.stringify({ ...manifest(files), metadata: { dispatch_id: dispatchId, status: dispatchId === running ? 'RUNNING' : 'COMPLETED' } });
    const fake = await server(files, { manifestBody: (dispatchId) => (ids.includes(dispatchId) ? body(dispatchId) : undefined) });
    const manifestReads = (dispatchId: string) => fake.requests.filter((request) => new URL(request.url).pathname === `/api/v2/dispatches/${dispatchId}`).length;
    const oneManifest = Buffer.byteLength(body(first));

    const reader = fake.reader({ manifestCache: { maxEntries: 3, maxWeight: 100 * oneManifest }, manifestFreshMs: 100 });
    await Promise.all([reader.manifest(first), reader.manifest(first)]);
    await reader.manifest(first);
    assert.strictEqual(manifestReads(first), 1, 'a finished manifest is read once, also when asked twice at once');
    await reader.manifest(running);
    await reader.manifest(running);
    assert.strictEqual(manifestReads(running), 1, 'a running one is kept within its freshness window');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await reader.manifest(running);
    assert.strictEqual(manifestReads(running), 2, 'and read again after it');
    for (const id of ids.slice(1, 4)) await reader.manifest(id);
    assert.deepStrictEqual(reader.cached, { manifests: 3, bytes: 3 * oneManifest });
    await reader.manifest(first);
    assert.strictEqual(manifestReads(first), 2, 'the least recently used manifest went first');

    const small = fake.reader({ manifestCache: { maxEntries: 100, maxWeight: 2.5 * oneManifest } });
    for (const id of ids.slice(0, 4)) await small.manifest(id);
    assert.deepStrictEqual(small.cached, { manifests: 2, bytes: 2 * oneManifest }, 'the byte bound holds');
  });

  /** A finished dispatch of `tasks` tasks whose files answer after 15 ms, counting the file requests open at once. */
  async function wideDispatch(tasks: number): Promise<{ reader: ResultDetailsReader; reads: () => number; mostOpen: () => number }> {
    const nodes = Array.from({ length: tasks }, (_, node) => ({
      id: node,
      metadata: { name: `task_${node}`, status: 'COMPLETED', executor: 'dask' },
      assets: { function_string: asset(`${ID}/node_${node}/function_string.txt`, 20), output: asset(`${ID}/node_${node}/results.tobj`, 100) },
    }));
    const body = JSON.stringify({ metadata: { dispatch_id: ID, status: 'COMPLETED' }, assets: {}, lattice: { metadata: { name: 'wide' }, assets: {}, transport_graph: { nodes, links: [] } } });
    let open = 0;
    let most = 0;
    let reads = 0;
    const httpServer = http.createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path === `/api/v2/dispatches/${ID}`) return void response.end(body);
      const [, node, file] = /\/node_(\d+)\/(function_string\.txt|results\.tobj)$/.exec(path) ?? [];
      if (node === undefined) return void response.writeHead(404).end();
      reads++;
      most = Math.max(most, ++open);
      setTimeout(() => {
        open--;
        response.end(file === 'results.tobj' ? tobjArchive('{}', node) : `def task_${node}(): ...`);
      }, 15);
    });
    servers.push(httpServer);
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const reader = readerOf(`http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`, { timeoutMs: 5000 });
    return { reader, reads: () => reads, mostOpen: () => most };
  }

  it('reads the stored sources of a 40-task dispatch with no more than 8 requests open at once', async () => {
    const wide = await wideDispatch(40);
    const sources = await wide.reader.taskSources(ID);
    assert.strictEqual(sources.size, 40);
    assert.strictEqual(sources.get('task_37'), 'def task_37(): ...');
    assert.strictEqual(wide.reads(), 40);
    assert.ok(wide.mostOpen() <= 8, `${wide.mostOpen()} source requests were open at once`);
    assert.ok(wide.mostOpen() > 1, 'they still overlap');
  });

  it('reads the results of 40 tasks (the compare view) with no more than 8 requests open at once', async () => {
    const wide = await wideDispatch(40);
    const results = await wide.reader.taskResults(ID, Array.from({ length: 40 }, (_, node) => node));
    assert.strictEqual(results.size, 40);
    assert.strictEqual(results.get(37), '37');
    assert.ok(wide.mostOpen() <= 8, `${wide.mostOpen()} result requests were open at once`);
  });
});
