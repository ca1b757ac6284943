import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ipynbCodeCells } from '../../src/languageServer/notebookFile';
import { repoRoot } from '../support/harness';
import { bridgePackage, venvPython } from './bridgeSupport';

/**
 * Which statements of a notebook run when the extension dispatches from it
 * (the bridge's notebook_cells module, with notebook_ipython and notebook_statements under it, in the harness's real interpreter).
 */

/** notebook_cells has no package imports: it runs with the package folder itself on the path. */
// The package's parent on sys.path: notebook_cells imports its sibling modules.
const moduleFolder = path.dirname(bridgePackage);

/** `[cell index, line, why skipped or "runs"]` for each top-level statement, or the syntax error's message. */
function planOf(cells: readonly (readonly [number, string])[]): string[] | string {
  const script = [
    'import json, sys',
    'sys.path.insert(0, sys.argv[1])',
    'from covalent_bridge import notebook_cells as nc',
    'cells = json.loads(sys.stdin.read())',
    'try:',
    '    parsed = nc.parse_cells(cells)',
    '    nc.check_syntax(parsed, 10 ** 6)',
    '    plan = nc.plan(parsed)',
    '    print(json.dumps(["%d:%d %s" % (s.cell.index, s.line, s.skipped or "runs") for s in plan]))',
    'except nc.CellSyntaxError as error:',
    '    print(json.dumps(str(error)))',
  ].join('\n');
  const python = venvPython();
  return JSON.parse(execFileSync(python, ['-c', script, moduleFolder], { input: JSON.stringify(cells), encoding: 'utf8' })) as string[] | string;
}

describe('Notebook cells the bridge runs (notebook_cells.py)', function () {
  this.timeout(120000);

  it("runs the how-to's definitions and skips its dispatch cells and every statement that uses what they made", () => {
    const notebook = fs.readFileSync(path.join(repoRoot, 'examples', 'redispatch_howto.ipynb'), 'utf8');
    const cells = (ipynbCodeCells(notebook) ?? []).map((cell) => [cell.index, cell.source] as const);
    const plan = planOf(cells);
    assert.ok(Array.isArray(plan));
    assert.deepStrictEqual(
      plan.filter((entry) => entry.endsWith('runs')),
      ['1:1 runs', '2:2 runs', '2:7 runs', '2:12 runs', '2:17 runs', '2:22 runs'],
    );
    assert.deepStrictEqual(plan.slice(6, 11), ['4:1 sdk', '4:2 uses dispatch_id', '4:3 sdk', '4:4 uses result', '4:5 uses result']);
    assert.deepStrictEqual(plan.slice(-2), ['12:3 uses result', '12:4 uses result'], 'print(result.get_node_result(...)) after a skipped get_result');
  });

  it('skips IPython lines and non-Python cell magics, runs %%time bodies and blocks around a shell line, and keeps positions', () => {
    const plan = planOf([
      [0, '%pip install covalent\nimport covalent as ct\nfiles = !ls | grep "(\nx, y = %sx echo 1 2\nn = 1'],
      [1, '%%bash\necho (\n'],
      [2, '%%time\ntotal = n + 1\ncount = len(files)\nboth = x + y'],
      [3, 'if n:\n    !echo inside\n    m = 2\nct.lattice?\n%time timed = n * 2\nprint(timed)'],
    ]);
    assert.deepStrictEqual(plan, ['0:1 ipython', '0:2 runs', '0:3 ipython', '0:4 ipython', '0:5 runs', '2:2 runs', '2:3 uses files', '2:4 uses x', '3:1 runs', '3:4 ipython', '3:5 ipython', '3:6 uses timed']);
  });

  it('skips calls of notebook functions that dispatch, names imported from covalent, and keeps what a later statement binds again', () => {
    const plan = planOf([
      [0, 'from covalent import dispatch as submit, get_result\nimport covalent'],
      [1, 'def go(wf):\n    return submit(wf)(1)\n\ndef go_twice(wf):\n    return [go(wf), go(wf)]\n\ndef show():\n    print(result)'],
      [2, 'ids = go_twice(flow)\nresult = get_result(ids[0])\nresult = {"status": "unknown"}\nprint(result, ids)'],
      [3, 'print(result)\ncovalent.dispatch_sync(flow)()\nlabels = [r for r in range(3)]\nshow()'],
    ]);
    assert.deepStrictEqual(plan, ['0:1 runs', '0:2 runs', '1:1 runs', '1:4 runs', '1:7 runs', '2:1 sdk', '2:2 sdk', '2:3 runs', '2:4 uses ids', '3:1 runs', '3:2 sdk', '3:3 runs', '3:4 runs']);
  });

  it('runs the cells in a fresh __main__ up to the stop cell, names cells in tracebacks, and says where a name is defined too late', () => {
    const script = [
      'import inspect, json, sys',
      'sys.path.insert(0, sys.argv[1])',
      'from covalent_bridge import notebook_cells as nc',
      "cells = [(0, 'x = 2'), (2, 'def f(a):\\n    return a * x\\n\\ny = f(3)'), (4, 'z = f(1)\\n1 / 0'), (6, 'not python (')]",
      'parsed = nc.parse_cells(cells)',
      'nc.check_syntax(parsed, 4)  # a later cell that is not Python does not matter',
      'plan = nc.plan(parsed)',
      "module = nc.run_cells(plan, nc.stop_cell(plan, ['f']), '/nb.ipynb')",
      'out = [module.y, module.f.__module__, inspect.getsource(module.f), hasattr(module, "z")]',
      'for attempt in (lambda: nc.run_cells(plan, 4, "/nb.ipynb"), lambda: nc.stop_cell(plan, ["z"], 2)):',
      '    try:',
      '        attempt()',
      '    except nc.CellFailed as error:',
      '        out.append(error.text.splitlines()[1].strip())',
      '    except nc.NotDefined as error:',
      '        out.append(str(error))',
      'print(json.dumps(out))',
    ].join('\n');
    const python = venvPython();
    assert.deepStrictEqual(JSON.parse(execFileSync(python, ['-c', script, moduleFolder], { encoding: 'utf8' })), [
      6,
      '__main__',
      'def f(a):\n    return a * x\n',
      false,
      'File "/nb.ipynb, cell 5", line 2, in <module>',
      'z is defined in cell 5, after cell 3 it is dispatched from: dispatch it from that cell or a later one.',
    ]);
  });

  it('skips what only a kernel runs: a top-level await and what uses it, and what reads a %%capture cell’s output', () => {
    const plan = planOf([
      [0, 'import asyncio'],
      [1, '%%capture out\nx = 1'],
      [2, 'out.show()\nvalue = await asyncio.sleep(0, 5)\nprint(value)\nasync def later():\n    await asyncio.sleep(0)\ny = x'],
    ]);
    assert.deepStrictEqual(plan, ['0:1 runs', '1:1 ipython', '1:2 runs', '2:1 uses out', '2:2 await', '2:3 uses value', '2:4 runs', '2:6 runs']);
  });

  it('says which cell and line the compiler refuses, as for any syntax error', () => {
    const script = [
      'import json, sys',
      'sys.path.insert(0, sys.argv[1])',
      'from covalent_bridge import notebook_cells as nc',
      "parsed = nc.parse_cells([(0, 'x = 1'), (2, 'if x:\\n    return 5')])",
      'try:',
      "    nc.run_cells(nc.plan(parsed), 2, '/nb.ipynb')",
      'except nc.CellSyntaxError as error:',
      '    print(json.dumps(str(error)))',
    ].join('\n');
    assert.strictEqual(JSON.parse(execFileSync(venvPython(), ['-c', script, moduleFolder], { encoding: 'utf8' })), "Cell 3, line 2: 'return' outside function");
  });

  it('names the cell (its number in the notebook) and the line of a syntax error', () => {
    assert.strictEqual(planOf([[0, 'import covalent as ct'], [3, 'x = 1\ndef broken(:\n    pass']]), 'Cell 4, line 2: invalid syntax');
  });
});
