import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { BridgePool } from '../../src/bridge/bridgePool';
import { bridgePackage, MemoryLogger, rejection, venvPython } from './bridgeSupport';

/** A server that records each request's method, path and Authorization header. */
async function recording(status = 200): Promise<{ address: string; seen: string[]; close(): void }> {
  const seen: string[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      seen.push(`${request.method ?? ''} ${request.url ?? ''} ${request.headers.authorization ?? '-'}`);
      response.writeHead(status, { 'content-type': 'application/octet-stream' });
      response.end(status === 200 ? 'stored' : '{"detail": "no"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Runs a Python script (its first argument: the folder holding the bridge package) with a 100-byte local asset file. */
async function withAsset(run: (local: string, scratch: string) => Promise<void>): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bridge-auth-'));
  try {
    const local = path.join(scratch, 'asset.bin');
    fs.writeFileSync(local, 'x'.repeat(100));
    await run(local, scratch);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The bridge's per-call tokens with the real `requests` and Covalent's own asset
 * transfer code: the SDK's API client honours COVALENT_EXTRA_HEADERS, its asset
 * uploads and downloads do not, so the bridge covers every request itself.
 */
describe('Bridge: each server’s token on every request of a call', function () {
  this.timeout(60000);

  it('adds the call’s token to its server’s requests (API, asset upload and download), to no other server, and not outside the call', async () => {
    const [proxied, other, announced] = await Promise.all([recording(), recording(), recording()]);
    try {
      await withAsset(async (local, scratch) => {
        const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.dirname(bridgePackage))})
from covalent_bridge import auth
auth.install()
import requests
from covalent._api.apiclient import CovalentAPIClient
from covalent._dispatcher_plugins.local import _upload_asset
from covalent._results_manager.results_manager import download_asset
proxied, other, announced, local, fetched = sys.argv[1:6]
with auth.server_tokens({"dispatcherAddress": proxied, "tokens": {proxied: "call-token"}}):
    CovalentAPIClient(proxied).get("/api/v2/dispatches")
    requests.get(other + "/api/v2/dispatches")
    # The server names its file store by its own address: the transfer goes through the call's.
    _upload_asset("file://" + local, announced + "/api/v0/files/up?x=1")
    download_asset(announced + "/api/v0/files/down", fetched)
requests.get(proxied + "/after-the-call")
print(open(fetched).read())
`;
        const { stdout } = await promisify(execFile)(venvPython(), ['-c', script, proxied.address, other.address, announced.address, local, path.join(scratch, 'fetched.bin')], { timeout: 50000 });
        assert.strictEqual(stdout.trim(), 'stored');
        assert.deepStrictEqual(proxied.seen, [
          'GET /api/v2/dispatches Bearer call-token',
          'PUT /api/v0/files/up?x=1 Bearer call-token',
          'GET /api/v0/files/down Bearer call-token',
          'GET /after-the-call -',
        ]);
        assert.deepStrictEqual(other.seen, ['GET /api/v2/dispatches -'], 'another server never sees the token');
        assert.deepStrictEqual(announced.seen, [], 'asset transfers go through the address the call was given');
      });
    } finally {
      for (const server of [proxied, other, announced]) server.close();
    }
  });

  it('carries the call’s token into the threads it starts: the concurrent asset uploads and a replay’s downloads', async () => {
    const [proxied, announced] = await Promise.all([recording(), recording()]);
    try {
      await withAsset(async (local) => {
        const script = `
import sys, threading
sys.path.insert(0, ${JSON.stringify(path.dirname(bridgePackage))})
from covalent_bridge import auth, runtime
import requests
from covalent._dispatcher_plugins.local import LocalDispatcher
proxied, announced, local = sys.argv[1:4]
class Asset:
    def __init__(self, uri, remote_uri):
        self.uri, self.remote_uri = uri, remote_uri
with auth.server_tokens({"dispatcherAddress": proxied, "tokens": {proxied: "call-token"}}):
    # The bridge sends a dispatch's uploads a few at a time, from worker threads.
    LocalDispatcher._upload([Asset("file://" + local, announced + "/api/v0/files/up%d" % index) for index in range(3)])
    worker = threading.Thread(target=auth.carried(lambda: requests.get(proxied + "/api/v0/files/down")))
    worker.start()
    worker.join()
`;
        await promisify(execFile)(venvPython(), ['-c', script, proxied.address, announced.address, local], { timeout: 50000 });
        assert.deepStrictEqual([...proxied.seen].sort(), [
          'GET /api/v0/files/down Bearer call-token',
          'PUT /api/v0/files/up0 Bearer call-token',
          'PUT /api/v0/files/up1 Bearer call-token',
          'PUT /api/v0/files/up2 Bearer call-token',
        ]);
        assert.deepStrictEqual(announced.seen, [], 'every transfer went through the address the call was given');
      });
    } finally {
      for (const server of [proxied, announced]) server.close();
    }
  });

  it('sends a bridge call’s token with its SDK request, says the server answered 401, and logs no token', async () => {
    const refusing = await recording(401);
    const logger = new MemoryLogger();
    const pool = new BridgePool(bridgePackage, logger);
    try {
      const id = '4ec8b431-d437-4bf6-b364-f37a4ef5c082';
      const error = await rejection(pool.request(venvPython(), 'cancel', { dispatchId: id, dispatcherAddress: refusing.address, tokens: { [refusing.address]: 'secret-token-1' } }));
      assert.strictEqual(error.kind, 'serverError');
      assert.strictEqual(error.data.status, 401);
      assert.deepStrictEqual(refusing.seen, [`PUT /api/v2/dispatches/${id}/status Bearer secret-token-1`]);
      assert.ok(!logger.text().includes('secret-token-1') && !error.message.includes('secret-token-1') && !(error.data.traceback ?? '').includes('secret-token-1'), 'the token is in no log line or message');
    } finally {
      await pool.stopAll();
      refusing.close();
    }
  });
});
