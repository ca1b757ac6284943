import * as assert from 'assert';
import { isLoopback, parseServers, resolveServer, sameAddress, serverAt, serverLabel, tokenTravelsInClear, triggersAddressFor } from '../../src/covalent/servers';

describe('Server list (covalent.servers)', () => {
  const { servers, problems } = parseServers({
    local: 'http://localhost:48008/',
    team: { address: 'https://covalent.example.org/', triggersAddress: 'https://triggers.example.org' },
    '': 'http://nameless:1',
    broken: 'ftp://x',
    noAddress: { triggersAddress: 'http://t:1' },
    number: 3,
  });

  it('reads names and addresses (string or object form), and names each entry it skips', () => {
    assert.deepStrictEqual(servers, [
      { name: 'local', address: 'http://localhost:48008' },
      { name: 'team', address: 'https://covalent.example.org', triggersAddress: 'https://triggers.example.org' },
    ]);
    assert.deepStrictEqual(problems, [
      'covalent.servers "": a server needs a name',
      'covalent.servers "broken": The address must start with http:// or https://.',
      'covalent.servers "noAddress": needs an address',
      'covalent.servers "number": needs an address',
    ]);
    assert.deepStrictEqual(parseServers(undefined), { servers: [], problems: [] });
    assert.deepStrictEqual(parseServers(['http://a']).problems, ['covalent.servers must be an object: { "name": "https://address" }.']);
  });

  it('names a server by its entry, else by host and port; finds entries whatever trailing slashes or host case', () => {
    assert.strictEqual(serverLabel(servers, 'https://COVALENT.example.org//'), 'team');
    assert.strictEqual(serverLabel(servers, 'http://127.0.0.1:9000'), '127.0.0.1:9000');
    assert.strictEqual(serverLabel(servers, 'https://host.example.org/covalent/'), 'host.example.org/covalent');
    assert.strictEqual(serverAt(servers, 'http://localhost:48008/')?.name, 'local');
    assert.ok(sameAddress('http://A:1/', 'http://a:1'));
    assert.ok(!sameAddress('http://a:1', 'https://a:1'));
  });

  it('sends Stop Triggers to a named server’s own triggers address, else to the setting, else to the server', () => {
    assert.strictEqual(triggersAddressFor(servers, 'https://covalent.example.org', 'http://ignored:1'), 'https://triggers.example.org');
    assert.strictEqual(triggersAddressFor(servers, 'http://localhost:48008', 'http://ignored:1'), 'http://localhost:48008');
    assert.strictEqual(triggersAddressFor(servers, 'http://other:1', 'http://triggers:2/'), 'http://triggers:2');
    assert.strictEqual(triggersAddressFor(servers, 'http://other:1', ' '), 'http://other:1');
  });

  it('resolves { name } from the list and any { address }, with messages that say what is wrong', () => {
    assert.strictEqual(resolveServer(servers, { name: 'team' }), 'https://covalent.example.org');
    assert.strictEqual(resolveServer(servers, { address: 'http://elsewhere:1/' }), 'http://elsewhere:1');
    assert.throws(() => resolveServer(servers, { name: 'nope' }), /No server named "nope" in the covalent\.servers setting \(it has "local", "team"\)/);
    assert.throws(() => resolveServer([], { name: 'nope' }), /\(it is empty\)/);
    assert.throws(() => resolveServer(servers, { address: 'covalent.example.org' }), /Not an address/);
  });

  it('knows when a token would cross a network in clear text: plain http to another machine', () => {
    for (const address of ['http://localhost:48008', 'http://127.0.0.1:1', 'http://127.8.9.10', 'http://[::1]:48008', 'http://app.localhost']) {
      assert.ok(isLoopback(address), address);
      assert.ok(!tokenTravelsInClear(address), address);
    }
    assert.ok(tokenTravelsInClear('http://covalent.example.org'));
    assert.ok(tokenTravelsInClear('http://10.0.0.5:48008'));
    assert.ok(!tokenTravelsInClear('https://covalent.example.org'));
    assert.ok(!tokenTravelsInClear('not an address'));
  });
});
