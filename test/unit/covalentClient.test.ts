import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { performance } from 'perf_hooks';
import { CovalentClient } from '../../src/covalent/client';
import { HttpStatusError, InvalidResponseError, ResponseTooLargeError, ServerTimeoutError, ServerUnreachableError, meansOffline } from '../../src/covalent/errors';
import { parseServerTime } from '../../src/covalent/validate';
import { isServerAnswering } from '../../src/localServer/localServer';
import { waitFor } from '../support/wait';

type Handler = (request: http.IncomingMessage, url: URL) => { status?: number; type?: string; body: string; delayMs?: number } | 'hang';

/** A local HTTP server whose answers each test chooses (a fake of the network, for pure client logic). */
async function fakeServer(handler: Handler): Promise<{ address: string; requests: { url: URL; headers: http.IncomingHttpHeaders }[]; close(): Promise<void> }> {
  const requests: { url: URL; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push({ url, headers: request.headers });
    const answer = handler(request, url);
    if (answer === 'hang') return;
    setTimeout(() => {
      if (response.destroyed) return;
      response.writeHead(answer.status ?? 200, { 'content-type': answer.type ?? 'application/json' });
      response.end(answer.body);
    }, answer.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (value: unknown) => ({ body: JSON.stringify(value) });

interface Flood {
  written: number;
  /** The client hung up before the whole body was written. */
  hungUp: boolean;
  finished: boolean;
}

/**
 * A server whose every answer is `bytes` long, written 64 KiB at a time as the
 * client reads it (chunked, no Content-Length unless `declareLength`), ignoring
 * Range. `start` is what the body begins with (`[` makes a JSON array that goes on).
 */
async function floodServer(bytes: number, options: { status?: number; start?: string; declareLength?: boolean } = {}): Promise<{ address: string; floods: Flood[]; close(): Promise<void> }> {
  const floods: Flood[] = [];
  const chunk = Buffer.alloc(64 * 1024, '0,');
  const server = http.createServer((_request, response) => {
    const flood: Flood = { written: 0, hungUp: false, finished: false };
    floods.push(flood);
    response.writeHead(options.status ?? 200, { 'content-type': 'application/json', ...(options.declareLength ? { 'content-length': String(bytes) } : {}) });
    response.on('close', () => (flood.hungUp = !flood.finished));
    const start = Buffer.from(options.start ?? '');
    const pump = (): void => {
      while (!response.destroyed) {
        if (flood.written >= bytes) {
          flood.finished = true;
          response.end();
          return;
        }
        const piece = flood.written === 0 ? Buffer.concat([start, chunk]).subarray(0, Math.min(chunk.byteLength, bytes)) : chunk.subarray(0, Math.min(chunk.byteLength, bytes - flood.written));
        flood.written += piece.byteLength;
        if (!response.write(piece)) {
          response.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    floods,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('CovalentClient', () => {
  it('asks for many statuses in one request and reads them', async () => {
    const server = await fakeServer((_request, url) =>
      json({ dispatches: url.searchParams.getAll('dispatch_id').map((id) => ({ dispatch_id: id, status: 'RUNNING' })), metadata: { count: 2 } }),
    );
    try {
      const client = new CovalentClient({ baseUrl: server.address, timeoutMs: 2000 });
      const statuses = await client.statuses(['a', 'b']);
      assert.deepStrictEqual([...statuses], [['a', 'RUNNING'], ['b', 'RUNNING']]);
      assert.strictEqual(server.requests.length, 1);
      const url = server.requests[0]!.url;
      assert.strictEqual(url.pathname, '/api/v2/dispatches');
      assert.deepStrictEqual(url.searchParams.getAll('dispatch_id'), ['a', 'b']);
      assert.strictEqual(url.searchParams.get('status_only'), 'true');
      assert.strictEqual(url.searchParams.get('count'), '2', 'count covers every id (the server defaults to 10)');
    } finally {
      await server.close();
    }
  });

  it('sends the token as a bearer header only when there is one', async () => {
    const server = await fakeServer(() => json({ dispatches: [], metadata: { count: 0 } }));
    try {
      await new CovalentClient({ baseUrl: server.address, timeoutMs: 2000, token: () => Promise.resolve('s3cret') }).ping();
      await new CovalentClient({ baseUrl: server.address, timeoutMs: 2000 }).ping();
      assert.strictEqual(server.requests[0]?.headers.authorization, 'Bearer s3cret');
      assert.strictEqual(server.requests[1]?.headers.authorization, undefined);
      assert.ok(!server.requests[0]?.url.search.includes('s3cret'), 'never in the URL');
    } finally {
      await server.close();
    }
  });

  it('asks whether a local server answers through the client, token included, within the time given', async () => {
    const guarded = await fakeServer((request) =>
      request.headers.authorization === 'Bearer s3cret' ? json({ dispatches: [], metadata: { count: 0 } }) : { status: 401, body: '{"detail":"Not authenticated"}' },
    );
    const silent = await fakeServer(() => 'hang');
    try {
      assert.strictEqual(await isServerAnswering(new CovalentClient({ baseUrl: guarded.address, timeoutMs: 2000, token: () => 's3cret' })), true);
      assert.strictEqual(await isServerAnswering(new CovalentClient({ baseUrl: guarded.address, timeoutMs: 2000 })), false, 'refused without its token');
      const started = performance.now();
      assert.strictEqual(await isServerAnswering(new CovalentClient({ baseUrl: silent.address, timeoutMs: 10000 }), 300), false);
      assert.ok(performance.now() - started < 2000, 'gave up after the time given, not the client’s');
    } finally {
      await guarded.close();
      await silent.close();
    }
  });

  it('never sends its token to another server, even at an address a response names', async () => {
    const own = await fakeServer(() => json({ dispatches: [], metadata: { count: 0 } }));
    const other = await fakeServer(() => ({ type: 'text/plain', body: 'log' }));
    try {
      const client = new CovalentClient({ baseUrl: own.address, timeoutMs: 2000, token: () => 's3cret' });
      await client.http.text(`${own.address}/api/v0/files/a/stdout.log`);
      await client.http.text(`${other.address}/api/v0/files/a/stdout.log`);
      assert.strictEqual(own.requests[0]?.headers.authorization, 'Bearer s3cret');
      assert.strictEqual(other.requests[0]?.headers.authorization, undefined);
    } finally {
      await own.close();
      await other.close();
    }
  });

  it('rejects HTML with an InvalidResponseError that says what came back', async () => {
    const server = await fakeServer(() => ({ type: 'text/html', body: '<html><body>It works!</body></html>' }));
    try {
      const error = await new CovalentClient({ baseUrl: server.address, timeoutMs: 2000 }).ping().then(
        () => assert.fail('accepted HTML'),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof InvalidResponseError);
      assert.match(error.message, /expected JSON, got HTML: <html><body>It works!/);
      assert.match(error.message, /covalent\.dispatcherAddress/);
      assert.ok(!meansOffline(error));
    } finally {
      await server.close();
    }
  });

  it('rejects JSON of the wrong shape naming the field', async () => {
    const server = await fakeServer(() => json({ dispatches: [{ dispatch_id: 'a', status: 'SLEEPING' }], metadata: { count: 1 } }));
    try {
      await assert.rejects(new CovalentClient({ baseUrl: server.address, timeoutMs: 2000 }).statuses(['a']), (error: unknown) => {
        assert.ok(error instanceof InvalidResponseError);
        assert.match(error.message, /dispatches\[0\]\.status should be a Covalent status, got "SLEEPING"/);
        return true;
      });
    } finally {
      await server.close();
    }
  });

  it('turns 4xx/5xx into HttpStatusError with the server detail', async () => {
    const server = await fakeServer(() => ({ status: 404, body: JSON.stringify({ detail: 'The requested dispatch ID x was not found.' }) }));
    try {
      await assert.rejects(new CovalentClient({ baseUrl: server.address, timeoutMs: 2000 }).graph('x'), (error: unknown) => {
        assert.ok(error instanceof HttpStatusError);
        assert.strictEqual(error.status, 404);
        assert.match(error.message, /answered 404: The requested dispatch ID x was not found\. for \/api\/v1\/dispatches\/x\/graph/);
        return true;
      });
    } finally {
      await server.close();
    }
  });

  it('stops reading a JSON answer past its bound and says it is too big', async () => {
    const server = await floodServer(64 * 1024 * 1024, { start: '[' });
    try {
      const client = new CovalentClient({ baseUrl: server.address, timeoutMs: 10000, maxResponseBytes: 1024 * 1024 });
      await assert.rejects(client.statuses(['a']), (error: unknown) => {
        assert.ok(error instanceof ResponseTooLargeError && !meansOffline(error), String(error));
        assert.match(error.message, /sent more than 1 MiB for \/api\/v2\/dispatches/);
        return true;
      });
      await waitFor('the connection closed', () => server.floods[0]?.hungUp, 5000, 10);
      assert.ok(server.floods[0]!.written < 64 * 1024 * 1024, `${server.floods[0]!.written} bytes were written: the client read to the end`);
    } finally {
      await server.close();
    }
  });

  it('reads no more of an error answer than its detail needs', async () => {
    const server = await floodServer(64 * 1024 * 1024, { status: 500, start: '<html>' });
    try {
      const client = new CovalentClient({ baseUrl: server.address, timeoutMs: 10000 });
      await assert.rejects(client.statuses(['a']), (error: unknown) => error instanceof HttpStatusError && error.status === 500 && /answered 500: <html>0,0,/.test(error.message));
      await waitFor('the connection closed', () => server.floods[0]?.hungUp, 5000, 10);
      assert.ok(server.floods[0]!.written < 64 * 1024 * 1024, 'the error body was not read to its end');
    } finally {
      await server.close();
    }
  });

  it('reads only as far as a Range asked when the server ignores it and sends everything', async () => {
    const unsized = await floodServer(64 * 1024 * 1024);
    const sized = await floodServer(64 * 1024 * 1024, { declareLength: true });
    try {
      const part = await new CovalentClient({ baseUrl: unsized.address, timeoutMs: 10000 }).http.range('/api/v0/files/d/node_0/stdout.log', 10, 1000);
      assert.strictEqual(part.bytes.byteLength, 1000);
      assert.strictEqual(part.total, undefined, 'the size is not known');
      assert.strictEqual(part.more, true, 'but the file goes on');
      await waitFor('the connection closed', () => unsized.floods[0]?.hungUp, 5000, 10);
      assert.ok(unsized.floods[0]!.written < 64 * 1024 * 1024, 'the body was not read to its end');
      const declared = await new CovalentClient({ baseUrl: sized.address, timeoutMs: 10000 }).http.range('/api/v0/files/d/node_0/stdout.log', 0, 1000);
      assert.deepStrictEqual([declared.bytes.byteLength, declared.total], [1000, 64 * 1024 * 1024], 'the size the server declared');
      await waitFor('the connection closed', () => sized.floods[0]?.hungUp, 5000, 10);
    } finally {
      await unsized.close();
      await sized.close();
    }
  });

  it('times out a server that never answers, and reports a closed port as unreachable', async () => {
    const server = await fakeServer(() => 'hang');
    const client = new CovalentClient({ baseUrl: server.address, timeoutMs: 300 });
    await assert.rejects(client.ping(), (error: unknown) => error instanceof ServerTimeoutError && meansOffline(error));
    await server.close();
    await assert.rejects(client.ping(), (error: unknown) => {
      assert.ok(error instanceof ServerUnreachableError, String(error));
      assert.match(error.message, /cannot be reached \(ECONNREFUSED\)/);
      return true;
    });
  });

  it('lets a graph request wait longer than the client timeout when asked to', async () => {
    const graph = { dispatch_id: 'd', graph: { nodes: [{ id: 1, name: 'task', node_id: 0, status: 'RUNNING' }], links: [] } };
    const server = await fakeServer(() => ({ ...json(graph), delayMs: 400 }));
    try {
      const client = new CovalentClient({ baseUrl: server.address, timeoutMs: 150 });
      await assert.rejects(client.graph('d'), (error: unknown) => error instanceof ServerTimeoutError && /did not answer within 150 ms/.test(error.message));
      const slow = await client.graph('d', { timeoutMs: 3000 });
      assert.deepStrictEqual(slow.tasks.map((task) => task.name), ['task']);
      await assert.rejects(client.ping(), ServerTimeoutError, 'other calls keep the client timeout');
    } finally {
      await server.close();
    }
  });

  it("leaves none of its requests in the process's performance timeline (it kept the first 250 bulk URLs of ~5 KB each)", async () => {
    const server = await fakeServer(() => json({ dispatches: [], metadata: { count: 0 } }));
    try {
      performance.clearResourceTimings(); // Room in the timeline, whatever other tests sent.
      const client = new CovalentClient({ baseUrl: server.address, timeoutMs: 2000 });
      const ids = Array.from({ length: 100 }, (_, index) => `0000000${index}-1111-2222-3333-444444444444`);
      for (let round = 0; round < 20; round++) await client.statuses(ids);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const ours = performance.getEntriesByType('resource').filter((entry) => entry.name.startsWith(server.address));
      assert.strictEqual(ours.length, 0, `${ours.length} timeline entries of our requests are kept`);
    } finally {
      await server.close();
    }
  });

  it('maps the graph to tasks by node id, links included, and marks reused tasks', async () => {
    const server = await fakeServer(() =>
      json({
        dispatch_id: 'd',
        graph: {
          nodes: [
            { id: 11, name: 'add', node_id: 0, started_at: '2026-01-01 10:00:00.5', completed_at: '2026-01-01 10:00:01', status: 'COMPLETED', type: 'function', executor_label: 'dask', sublattice_dispatch_id: null },
            { id: 12, name: ':parameter:1', node_id: 1, started_at: '2026-01-01 10:00:00', completed_at: '2026-01-01 10:00:00', status: 'COMPLETED', type: 'parameter', executor_label: 'dask', sublattice_dispatch_id: null },
            { id: 13, name: 'again', node_id: 2, started_at: '2026-01-01 10:00:02', completed_at: '2026-01-01 10:00:02', status: 'COMPLETED', type: 'function', executor_label: 'dask', sublattice_dispatch_id: null },
          ],
          links: [{ edge_name: 'x', parameter_type: 'arg', target: 11, source: 12, arg_index: 0 }],
        },
      }),
    );
    try {
      const graph = await new CovalentClient({ baseUrl: server.address, timeoutMs: 2000 }).graph('d');
      assert.deepStrictEqual(graph.edges, [{ source: 1, target: 0, label: 'x' }]);
      assert.strictEqual(graph.tasks[0]!.completedAt! - graph.tasks[0]!.startedAt!, 500);
      assert.deepStrictEqual(graph.tasks.map((task) => task.reused), [false, false, true]);
    } finally {
      await server.close();
    }
  });

  it('lists newest first from the dispatcher API without sublattice dispatches, and searches through the UI API', async () => {
    const server = await fakeServer((_request, url) =>
      url.pathname === '/api/v2/dispatches'
        ? json({
            dispatches: [
              { dispatch_id: 'new', root_dispatch_id: 'new', status: 'NEW_OBJECT', name: 'wf', created_at: '2026-01-01T10:00:02' },
              { dispatch_id: 'sub', root_dispatch_id: 'old', status: 'COMPLETED', name: 'inner' },
              { dispatch_id: 'old', root_dispatch_id: 'old', status: 'COMPLETED', name: 'wf' },
            ],
            metadata: { count: 3 },
          })
        : json({ items: [{ dispatch_id: 'old', lattice_name: 'wf', status: 'COMPLETED', started_at: null }], total_count: 1 }),
    );
    try {
      const client = new CovalentClient({ baseUrl: server.address, timeoutMs: 2000 });
      const page = await client.list({ offset: 0, count: 3 });
      assert.deepStrictEqual(page.dispatches.map((dispatch) => dispatch.dispatchId), ['new', 'old']);
      assert.strictEqual(page.hasMore, true, 'a full page may have more after it');
      assert.strictEqual(page.scanned, 3, 'the next page starts after the skipped sublattice too');
      assert.strictEqual(server.requests[0]?.url.searchParams.get('latest'), 'true');
      const found = await client.list({ offset: 0, count: 50, search: 'wf', status: 'COMPLETED' });
      assert.deepStrictEqual(found, { total: 1, hasMore: false, scanned: 1, dispatches: [{ dispatchId: 'old', serverAddress: server.address, name: 'wf', status: 'COMPLETED', totalTasks: undefined, completedTasks: undefined, startedAt: undefined, completedAt: undefined, updatedAt: undefined }] });
      assert.strictEqual(server.requests[1]?.url.pathname, '/api/v1/dispatches/list');
      assert.strictEqual(server.requests[1]?.url.searchParams.get('status_filter'), 'COMPLETED');
    } finally {
      await server.close();
    }
  });

  it('reads server times as UTC whether or not they carry a zone', () => {
    assert.strictEqual(parseServerTime('2026-01-01T00:00:00'), Date.UTC(2026, 0, 1));
    assert.strictEqual(parseServerTime('2026-01-01 00:00:00.250'), Date.UTC(2026, 0, 1) + 250);
    assert.strictEqual(parseServerTime('2026-01-01T01:00:00+01:00'), Date.UTC(2026, 0, 1));
    assert.strictEqual(parseServerTime('yesterday'), undefined);
  });
});
