import * as assert from 'assert';
import { changedElectrons, normalizeSource, parseReplaceElectrons } from '../../src/dispatch/electronChanges';
import { ElectronComparisons } from '../../src/dispatch/electronComparisons';
import { adviseOn, type AdviceContext } from '../../src/dispatch/errorAdvice';
import { BridgeError } from '../../src/bridge/protocol';
import { TokenWantedError } from '../../src/covalent/errors';
import { InputsMemory, type KeyValueStore } from '../../src/dispatch/inputsMemory';
import { isDefaultLocalAddress, portOf } from '../../src/localServer/localServer';

class MemoryState implements KeyValueStore {
  private readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Thenable<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
}

describe('Dispatch logic (pure)', () => {
  it('compares electron sources the way Covalent stores them (trailing blank lines and spaces do not count)', () => {
    const stored = new Map([
      ['task_0', '@ct.electron\ndef task_0(a):\n    return a\n\n\n'],
      ['task_2', '@ct.electron\ndef task_2(a, b):\n    return a / b\n\n'],
    ]);
    const current = [
      { name: 'task_0', source: '@ct.electron\ndef task_0(a):   \n    return a\n' },
      { name: 'task_2', source: '@ct.electron\ndef task_2(a, b):\n    return a * b\n' },
      { name: 'task_new', source: '@ct.electron\ndef task_new(a):\n    return a\n' },
      { name: 'unreadable', source: null },
    ];
    assert.deepStrictEqual(changedElectrons(current, stored), ['task_2']);
    assert.strictEqual(normalizeSource('a\r\nb  \n\n'), 'a\nb');
  });

  it('reads replaceElectrons as names, "task=replacement" pairs or an object, and rejects what is not a Python name', () => {
    assert.deepStrictEqual(parseReplaceElectrons(['task_2']), { task_2: 'task_2' });
    assert.deepStrictEqual(parseReplaceElectrons(['task_2=task_2_redefined', 'task_1 -> other']), { task_2: 'task_2_redefined', task_1: 'other' });
    assert.deepStrictEqual(parseReplaceElectrons({ task_2: 'task_2_redefined' }), { task_2: 'task_2_redefined' });
    assert.deepStrictEqual(parseReplaceElectrons(undefined), {});
    assert.throws(() => parseReplaceElectrons(['task 2']), /not a Python name/);
    assert.throws(() => parseReplaceElectrons('task_2'), /list of electron names/);
    assert.throws(() => parseReplaceElectrons([3]), /electron names/);
  });

  it('remembers inputs per lattice and file', async () => {
    const memory = new InputsMemory(new MemoryState());
    await memory.remember('file:///a.py', 'workflow', '1, 2');
    await memory.remember('file:///b.py', 'workflow', 'a=3');
    assert.strictEqual(memory.get('file:///a.py', 'workflow'), '1, 2');
    assert.strictEqual(memory.get('file:///b.py', 'workflow'), 'a=3');
    assert.strictEqual(memory.get('file:///a.py', 'other'), undefined);
    await memory.remember('file:///a.py', 'workflow', '1, 4');
    assert.strictEqual(memory.get('file:///a.py', 'workflow'), '1, 4');
  });

  it('offers to start only the default local server', () => {
    assert.ok(isDefaultLocalAddress('http://localhost:48008'));
    assert.ok(isDefaultLocalAddress('http://127.0.0.1:48008'));
    assert.ok(!isDefaultLocalAddress('http://localhost:5000'));
    assert.ok(!isDefaultLocalAddress('https://covalent.example.com:48008'));
    assert.ok(!isDefaultLocalAddress('not a url'));
    assert.strictEqual(portOf('http://localhost:5000'), 5000);
  });
});

describe('Advice on bridge failures (pure)', () => {
  const logged: string[] = [];
  const context: AdviceContext = { dispatcherAddress: 'http://localhost:48008', profileNames: () => ['cluster'], logError: (text) => logged.push(text) };

  it('says what to do next, names the server that failed, and advises each failure once', () => {
    const down = adviseOn(new BridgeError('refused', { kind: 'serverUnreachable' }), context) as Error;
    assert.match(down.message, /server at http:\/\/localhost:48008 did not answer; nothing was dispatched\. Start it \(Covalent: Start Local Server\)/);
    assert.strictEqual(adviseOn(down, context), down, 'advice is not added twice');
    const remote = adviseOn(new BridgeError('refused', { kind: 'serverUnreachable' }), context, { method: 'dispatch', server: 'https://covalent.example', tokenSent: false }) as Error;
    assert.match(remote.message, /https:\/\/covalent\.example did not answer.*Check that it runs/);
    const slow = adviseOn(new BridgeError('Dispatch: the Covalent server did not answer in time', { kind: 'serverUnreachable', timedOut: true }), context) as Error;
    assert.match(slow.message, /did not answer within the request timeout; it may be busy.*covalent\.requestTimeoutMs/);
    assert.doesNotMatch(slow.message, /nothing was dispatched|Start it/, 'a busy server is neither down nor known to have dropped the dispatch');
    const plain = new Error('not the bridge');
    assert.strictEqual(adviseOn(plain, context), plain);
  });

  it('turns a refused token into TokenWantedError, and names the profiles when an executor is unknown', () => {
    const wanted = adviseOn(new BridgeError('401', { kind: 'serverError', status: 401 }), context, { method: 'redispatch', tokenSent: true });
    assert.ok(wanted instanceof TokenWantedError);
    assert.match(wanted.message, /Nothing was dispatched\.$/);
    const unknown = adviseOn(new BridgeError('No executor "gpu".', { kind: 'executorNotInstalled', traceback: 'Traceback…' }), context) as Error;
    assert.strictEqual(unknown.message, 'No executor "gpu". Profiles: cluster. Nothing was dispatched.');
    assert.deepStrictEqual(logged, ['No executor "gpu".\nTraceback…']);
  });
});

describe('Electron comparisons prepared at save (pure)', () => {
  const electron = (name: string, body: string) => ({ name, source: `@ct.electron\ndef ${name}(x):\n    return ${body}\n` });
  function readers(texts: Map<string, string>) {
    const reads: string[] = [];
    const fetches: string[] = [];
    return {
      reads,
      fetches,
      readers: {
        fileElectrons: (file: string) => {
          reads.push(file);
          const text = texts.get(file) ?? '';
          return Promise.resolve({ text, electrons: [electron('step', text)] });
        },
        taskSources: (dispatchId: string) => {
          fetches.push(dispatchId);
          if (dispatchId === 'gone') return Promise.reject(new Error('404'));
          return Promise.resolve(new Map([['step', electron('step', 'x + 1').source]]));
        },
      },
    };
  }

  it('reads the file at save, and the click finds the comparison ready while the text is the same', async () => {
    const texts = new Map([['/w/chain.py', 'x + 2']]);
    const { reads, fetches, readers: sides } = readers(texts);
    const comparisons = new ElectronComparisons(sides);
    await comparisons.saved('/w/chain.py', ['parent']);
    const comparison = await comparisons.compare('/w/chain.py', 'x + 2', 'parent');
    assert.deepStrictEqual(comparison.changed, ['step']);
    assert.deepStrictEqual(reads, ['/w/chain.py'], 'the click did not import the file again');
    assert.deepStrictEqual(fetches, ['parent'], 'the stored sources were fetched at save, once');
    texts.set('/w/chain.py', 'x + 1');
    assert.deepStrictEqual((await comparisons.compare('/w/chain.py', 'x + 1', 'parent')).changed, [], 'other text is read anew');
    assert.deepStrictEqual(reads, ['/w/chain.py', '/w/chain.py']);
  });

  it('keeps no failed fetch: the next click asks the server again', async () => {
    const { fetches, readers: sides } = readers(new Map());
    const comparisons = new ElectronComparisons(sides);
    await assert.rejects(comparisons.compareWith([electron('step', 'x')], 'gone'), /404/);
    await assert.rejects(comparisons.compareWith([electron('step', 'x')], 'gone'), /404/);
    assert.deepStrictEqual(fetches, ['gone', 'gone']);
  });
});
