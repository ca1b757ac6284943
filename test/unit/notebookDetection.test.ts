import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { blankIPythonSyntax } from '../../src/languageServer/ipython';
import { ipynbCodeCells } from '../../src/languageServer/notebookFile';
import { NotebookProgram } from '../../src/languageServer/notebookProgram';
import { pythonParser, repoRoot, textAt } from './detectionHelpers';

/** Lattice detection in notebooks, without a language server: IPython syntax and cells read as one program. */

const cellUri = (index: number) => `vscode-notebook-cell:/nb.ipynb#cell${index}`;

async function program(cells: readonly string[]): Promise<NotebookProgram> {
  return new NotebookProgram('file:///nb.ipynb', cells.map((text, index) => ({ uri: cellUri(index), text })), await pythonParser());
}

describe('IPython syntax in cells', () => {
  it('blanks magics, shell escapes, help and autocall lines, keeping every position', () => {
    const cell = [
      '%time import covalent as ct',
      '!pip install covalent',
      'files = !ls',
      'x, y = %sx echo 1',
      'ct.lattice?',
      '?ct.electron',
      '/print 1',
      '!ls | grep (',
      'if True:',
      '    %matplotlib inline',
      '    value = 1  # a % b',
      '%env A=1 \\',
      '  B=2',
      'text = """',
      '!not a shell line: inside a string',
      '"""',
      'call(1,',
      '     !2)',
    ].join('\n');
    const blanked = blankIPythonSyntax(cell).split('\n');
    const original = cell.split('\n');
    assert.deepStrictEqual(
      blanked.map((line, index) => (line.trim() === '' && (original[index] ?? '').trim() !== '' ? 'blank' : line)),
      ['blank', 'blank', 'blank', 'blank', 'blank', 'blank', 'blank', 'blank', 'if True:', 'blank', '    value = 1  # a % b', 'blank', 'blank', 'text = """', '!not a shell line: inside a string', '"""', 'call(1,', '     !2)'],
    );
    blanked.forEach((line, index) => assert.strictEqual(line.length, original[index]?.length));
  });

  it('blanks a whole cell under a cell magic that is not Python, and only the magic line of %%time', () => {
    assert.strictEqual(blankIPythonSyntax('%%bash\necho hi\n'), '      \n       \n');
    assert.strictEqual(blankIPythonSyntax('%%time\nx = 1'), '      \nx = 1');
    const plain = 'import covalent as ct\nx = 1 % 2\n';
    assert.strictEqual(blankIPythonSyntax(plain), plain);
  });
});

describe('A notebook read as one program', () => {
  it('counts an import in one cell for the decorators of later cells and reports symbols in their own cells', async () => {
    const cells = ['import covalent as ct', '!ls | grep "(\n@ct.electron\ndef add(a, b):\n    return a + b', '!pip list', '@ct.lattice\ndef flow(a):\n    return add(a, 1)'];
    const notebook = await program(cells);
    try {
      assert.deepStrictEqual(notebook.cellAnalysis(cellUri(0))?.symbols, []);
      const [electron] = notebook.cellAnalysis(cellUri(1))?.symbols ?? [];
      assert.strictEqual(electron?.name, 'add');
      assert.strictEqual(textAt(cells[1]!, electron.selectionRange), 'add');
      const [lattice] = notebook.cellAnalysis(cellUri(3))?.symbols ?? [];
      assert.deepStrictEqual([lattice?.name, lattice?.kind, lattice?.range.start], ['flow', 'lattice', { line: 0, character: 0 }]);
      assert.deepStrictEqual(
        notebook.symbols().map(({ cellUri: uri, symbol }) => [uri, symbol.name]),
        [
          [cellUri(1), 'add'],
          [cellUri(3), 'flow'],
        ],
      );
      assert.strictEqual(notebook.moduleSymbol('add')?.symbol.name, 'add', 'a cell finds what another cell defines');
    } finally {
      notebook.dispose();
    }
  });

  it('keeps a syntax error in its cell, follows edits and cell moves, and places diagnostics in their cell', async () => {
    const notebook = await program(['import covalent as ct', 'broken = call(1,', '@ct.lattice\ndef flow():\n    return 1', '@ct.latice\ndef typo():\n    return 2']);
    try {
      assert.deepStrictEqual(notebook.cellAnalysis(cellUri(2))?.symbols.map((symbol) => symbol.name), ['flow'], 'an unclosed bracket does not swallow the next cell');
      const [misspelt] = notebook.cellAnalysis(cellUri(3))?.diagnostics ?? [];
      assert.deepStrictEqual([misspelt?.code, misspelt?.range.start, misspelt?.fix?.range.start], ['misspelt-decorator', { line: 0, character: 4 }, { line: 0, character: 4 }]);
      notebook.updateCell(cellUri(3), '@ct.lattice\ndef typo():\n    return 2');
      assert.deepStrictEqual(notebook.cellAnalysis(cellUri(3))?.diagnostics, []);
      assert.deepStrictEqual(notebook.cellAnalysis(cellUri(3))?.symbols.map((symbol) => symbol.name), ['typo']);
      // The import moves below the lattices: the notebook still imports covalent (a kernel that ran it would).
      notebook.setCells([
        { uri: cellUri(2), text: '@ct.lattice\ndef flow():\n    return 1' },
        { uri: cellUri(0), text: 'import covalent as ct' },
      ]);
      assert.deepStrictEqual(notebook.symbols().map(({ cellUri: uri, symbol }) => [uri, symbol.name]), [[cellUri(2), 'flow']]);
      assert.strictEqual(notebook.cellAnalysis(cellUri(3)), undefined, 'a removed cell is gone');
    } finally {
      notebook.dispose();
    }
  });

  it('reads the code cells of the example notebook from its JSON, with their indexes among all cells', () => {
    const cells = ipynbCodeCells(fs.readFileSync(path.join(repoRoot, 'examples', 'redispatch_howto.ipynb'), 'utf8'));
    assert.deepStrictEqual(cells?.map((cell) => cell.index), [1, 2, 4, 6, 8, 9, 11, 12]);
    assert.strictEqual(cells?.[0]?.source, 'import covalent as ct');
    assert.strictEqual(ipynbCodeCells('{"cells": 3'), undefined, 'invalid JSON');
    assert.strictEqual(ipynbCodeCells(JSON.stringify({ cells: [], metadata: { kernelspec: { language: 'R' } } })), undefined, 'not Python');
  });
});
