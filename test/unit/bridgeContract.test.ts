import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFile } from 'child_process';
import { promisify } from 'util';
import { BridgePool } from '../../src/bridge/bridgePool';
import { BRIDGE_ERROR_KINDS, BRIDGE_METHODS, PROTOCOL_VERSION } from '../../src/bridge/protocol';
import { bridgePackage, MemoryLogger, rejection, venvPython } from './bridgeSupport';

/**
 * What the bridge's Python package declares, read in the user's interpreter: the
 * handler table after importing what the bridge's `__main__` imports, its
 * PROTOCOL_VERSION, and the kind of every error it raises (read from the source
 * with `ast`: each `BridgeError("kind", …)`, and an error response's data written out).
 */
const DECLARED = `
import ast, json, os, sys

sys.path.insert(0, sys.argv[1])
from covalent_bridge import handlers, protocol  # every request's handler registered, as in the bridge


def constants(node):
    """The strings an expression can be: a literal, or a choice of literals (None: something else)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = constants(node.body), constants(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def entry(node, name):
    """The value of the key \`name\` in a dict literal."""
    return next((value for key, value in zip(node.keys, node.values) if isinstance(key, ast.Constant) and key.value == name), None)


def callee(node):
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


folder = os.path.dirname(os.path.abspath(protocol.__file__))
kinds, unresolved = {}, []
for name in sorted(os.listdir(folder)):
    if not name.endswith(".py"):
        continue
    with open(os.path.join(folder, name), encoding="utf-8") as file:
        tree = ast.parse(file.read(), name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and callee(node.func) == "BridgeError":
            found = constants(node.args[0]) if node.args else None
        elif isinstance(node, ast.Dict) and isinstance(entry(node, "data"), ast.Dict) and entry(entry(node, "data"), "kind") is not None:
            found = constants(entry(entry(node, "data"), "kind"))
        else:
            continue
        where = "%s:%d" % (name, node.lineno)
        if found is None:
            unresolved.append(where)
        for kind in found or ():
            kinds.setdefault(kind, []).append(where)
print(json.dumps({"methods": sorted(protocol.HANDLERS), "version": protocol.PROTOCOL_VERSION, "kinds": kinds, "unresolved": unresolved}))
`;

interface Declared {
  readonly methods: string[];
  readonly version: number;
  /** Error kind → where it is raised (`file.py:line`). */
  readonly kinds: Record<string, string[]>;
  /** BridgeErrors whose kind is not a literal. */
  readonly unresolved: string[];
}

/** A bridge that is the real one but answers `initialize` with another protocol version. */
function otherVersionBridge(folder: string, version: number): string {
  const script = path.join(folder, 'other_version_bridge.py');
  fs.writeFileSync(
    script,
    [
      'import sys',
      `sys.path.insert(0, ${JSON.stringify(path.dirname(bridgePackage))})`,
      'from covalent_bridge import stdio',
      '',
      'stdio.take()',
      'from covalent_bridge import handlers, protocol, server',
      `protocol.PROTOCOL_VERSION = ${version}`,
      '',
      'handlers.announce()',
      'server.main()',
      '',
    ].join('\n'),
  );
  return script;
}

describe('Bridge contract: the Python package and protocol.ts agree', function () {
  this.timeout(60000);
  let declared: Declared;

  before(async () => {
    const { stdout } = await promisify(execFile)(venvPython(), ['-c', DECLARED, path.dirname(bridgePackage)], { timeout: 50000 });
    // Importing covalent may print: the answer is the last line.
    declared = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Declared;
  });

  it('registers a handler for exactly the methods protocol.ts declares', () => {
    assert.deepStrictEqual(declared.methods, [...BRIDGE_METHODS].sort());
  });

  it('raises only error kinds protocol.ts knows, each named by a literal', () => {
    assert.deepStrictEqual(declared.unresolved, [], 'every BridgeError names its kind with a string literal (or a choice of them)');
    assert.ok(Object.keys(declared.kinds).length > 10, `the sources were read: ${JSON.stringify(declared.kinds)}`);
    const known = new Set<string>(BRIDGE_ERROR_KINDS);
    const unknown = Object.entries(declared.kinds)
      .filter(([kind]) => !known.has(kind))
      .map(([kind, places]) => `${kind} (${places.join(', ')})`);
    assert.deepStrictEqual(unknown, [], 'kinds the bridge raises that protocol.ts does not list');
  });

  it('answers initialize with the protocol version the TypeScript side expects', async () => {
    assert.strictEqual(declared.version, PROTOCOL_VERSION);
    const pool = new BridgePool(bridgePackage, new MemoryLogger());
    try {
      const info = await pool.get(venvPython()).ready;
      assert.strictEqual(info.protocolVersion, PROTOCOL_VERSION);
    } finally {
      await pool.stopAll();
    }
  });

  it('refuses a bridge that answers another protocol version, at start and for every request, and says why', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bridge-contract-'));
    const logger = new MemoryLogger();
    const pool = new BridgePool(otherVersionBridge(folder, PROTOCOL_VERSION + 1), logger);
    try {
      const bridge = pool.get(venvPython());
      const error = await rejection(bridge.ready);
      assert.strictEqual(error.kind, 'protocolMismatch');
      assert.match(error.message, new RegExp(`protocol version ${PROTOCOL_VERSION + 1}, but this extension speaks version ${PROTOCOL_VERSION}`));
      assert.match(error.message, /other_version_bridge\.py/, 'the message names the bridge that answered');
      const request = await rejection(pool.request(venvPython(), 'checkInputs', { args: '1, 2' }));
      assert.strictEqual(request.kind, 'protocolMismatch', 'a request is refused too: nothing is sent to that bridge');
      assert.strictEqual(pool.get(venvPython()), bridge, 'the same process answers: no new bridge is started for each request');
      assert.match(logger.text(), /speaks protocol version/, 'the refusal is logged');
    } finally {
      await pool.stopAll();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
