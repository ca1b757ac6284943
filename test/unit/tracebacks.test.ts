import * as assert from 'assert';
import { DYNAMIC_CODE, tracebackFrames, unplacedFunctions, withFrameFiles } from '../../src/covalent/tracebacks';

// A task's stderr as a Covalent 0.240 server records it when the client pickled
// the task's code by value with cloudpickle 3.1.3.
const SERVER_TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/srv/venv/lib/python3.11/site-packages/covalent/executor/base.py", line 120, in wrapper_fn',
  '    output = fn(*new_args, **new_kwargs)',
  '  File "<dynamic-code>", line 9, in divide',
  '  File "<dynamic-code>", line 4, in helper',
  'ZeroDivisionError: cannot divide 3 values by zero',
].join('\n');

describe('Server tracebacks', () => {
  it('reads each frame’s file, line and function', () => {
    assert.deepStrictEqual(tracebackFrames(SERVER_TRACEBACK), [
      { file: '/srv/venv/lib/python3.11/site-packages/covalent/executor/base.py', line: 120, name: 'wrapper_fn' },
      { file: DYNAMIC_CODE, line: 9, name: 'divide' },
      { file: DYNAMIC_CODE, line: 4, name: 'helper' },
    ]);
  });

  it('asks for the functions whose frames name no file, once each', () => {
    assert.deepStrictEqual(unplacedFunctions(SERVER_TRACEBACK + '\n' + SERVER_TRACEBACK), ['divide', 'helper']);
    assert.deepStrictEqual(unplacedFunctions('ZeroDivisionError: no frames'), []);
  });

  it('puts the file back in the frames of the functions it was told about, and leaves the rest', () => {
    const text = withFrameFiles(SERVER_TRACEBACK, new Map([['divide', '/work/failing_workflow.py']]));
    assert.match(text, /File "\/work\/failing_workflow\.py", line 9, in divide\n/);
    assert.match(text, /File "<dynamic-code>", line 4, in helper\n/, 'a function the index does not know stays as the server said');
    assert.match(text, /base\.py", line 120, in wrapper_fn\n {4}output = fn/, 'other lines as they were');
    assert.strictEqual(withFrameFiles(SERVER_TRACEBACK, new Map()), SERVER_TRACEBACK);
  });
});
