import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { dispatchableLattices as latticesOf, DocumentAnalyzer, resolveDispatchable } from '../../src/languageServer/detection/analyze';
import { ipynbCodeCells } from '../../src/languageServer/notebookFile';
import { NotebookProgram } from '../../src/languageServer/notebookProgram';
import { ParsedDocument } from '../../src/languageServer/parsedDocument';
import { analyze, countScans, fixturesFolder, pythonParser, repoRoot } from './detectionHelpers';

/**
 * CodeLens is answered from the statements' heads before the first full walk
 * (ParsedDocument.dispatchableLattices): the lattices found that way must be
 * exactly those of the full analysis, for every shape of source.
 */

const TRICKY_SOURCES: Record<string, string> = {
  'import inside a function': 'def setup():\n    import covalent as ct\n\n@ct.lattice\ndef flow(x):\n    return x\n',
  'import inside a class': 'class Holder:\n    from covalent import lattice\n\n@lattice\ndef flow(x):\n    return x\n',
  'import inside a decorated function, after its use': '@ct.lattice\ndef flow(x):\n    import covalent as ct\n    return x\n',
  'imports in try and if': 'try:\n    import covalent as ct\nexcept ImportError:\n    ct = None\nif ct:\n    @ct.lattice\n    def guarded(x):\n        return x\n',
  'a rebound member': 'from covalent import lattice\n\ndef later():\n    from covalent import electron as lattice\n\n@lattice\ndef flow(x):\n    return x\n',
  'chained and annotated assignments': 'import covalent as ct\n\ndef f(x):\n    return x\n\na = b = ct.lattice(f)\nc: object = ct.lattice(executor="local")(f)\nd, e = 1, 2\nsub = ct.electron(ct.lattice(f))\n',
  'two statements on a line': 'import covalent as ct; wf = ct.lattice(lambda x: x); y = 1\n',
  'stacked and called decorators': 'import covalent as ct\n\n@ct.electron\n@ct.lattice\ndef sub(x):\n    return x\n\n@ct.lattice(executor="dask", workflow_executor="local")\n@other\nasync def flow(x, *, y: int = 0):\n    return x\n',
  'lattices in classes and functions': 'import covalent as ct\n\nclass Flows:\n    @ct.lattice\n    def method(self):\n        return 1\n\n@dataclass\nclass Decorated:\n    pass\n\ndef outer():\n    @ct.lattice\n    def inner(x):\n        return x\n    return inner\n',
  'a syntax error between lattices': 'import covalent as ct\n\n@ct.lattice\ndef before(x):\n    return x\n\n@ct.lattice\ndef broken(x:\n    return (x\n\n@ct.lattice\ndef after(x):\n    return x\n',
  'with, for, while and match blocks': 'import covalent as ct\n\nwith open("x") as f:\n    @ct.lattice\n    def in_with(x):\n        return x\nfor i in range(1):\n    flow = ct.lattice(print)\nwhile False:\n    pass\nmatch 1:\n    case 1:\n        @ct.lattice\n        def in_match(x):\n            return x\n',
  'module-level statements of other kinds': 'import covalent as ct\nassert ct\nglobal g\ndel g\nprint(ct.dispatch(flow)(1))\n@ct.lattice\ndef flow(x):\n    return x\n',
};

function pythonFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return pythonFiles(full);
    return entry.name.endsWith('.py') ? [full] : [];
  });
}

async function fromHeads(source: string) {
  const parser = await pythonParser();
  const tree = parser.parse(source);
  if (!tree) throw new Error('no tree');
  try {
    return resolveDispatchable(new DocumentAnalyzer(parser).headStatements(tree, source));
  } finally {
    tree.delete();
  }
}

describe('Detection: lattices from statement heads', () => {
  const sources: [string, string][] = [
    ...Object.entries(TRICKY_SOURCES),
    ...[...pythonFiles(fixturesFolder), ...pythonFiles(path.join(repoRoot, 'examples'))].map((file): [string, string] => [path.relative(repoRoot, file), fs.readFileSync(file, 'utf8')]),
  ];
  for (const [name, source] of sources) {
    it(`finds what the full analysis finds: ${name}`, async () => {
      assert.deepStrictEqual(await fromHeads(source), latticesOf(await analyze(source)));
    });
  }

  it('finds lattices at all in the tricky sources (the comparison is not between two empty lists)', async () => {
    const names = (await Promise.all(Object.values(TRICKY_SOURCES).map(fromHeads))).flat().map((lattice) => lattice.name);
    assert.deepStrictEqual(names.sort(), ['after', 'b', 'before', 'c', 'flow', 'flow', 'flow', 'flow', 'flow', 'flow', 'guarded', 'in_match', 'in_with', 'wf'].sort());
  });

  it('walks no function body for a file of decorated definitions', async () => {
    const source = ['import covalent as ct', ...Array.from({ length: 20 }, (_, i) => `@ct.electron\ndef task_${i}(x):\n    if x:\n        return task_${i}(x - 1)\n    return x\n`), '@ct.lattice\ndef flow(x):\n    return task_0(x)\n'].join('\n');
    const scans = countScans();
    try {
      assert.deepStrictEqual((await fromHeads(source)).map((lattice) => lattice.name), ['flow']);
      assert.strictEqual(scans.count, 0);
    } finally {
      scans.restore();
    }
  });

  it('in an open document, gives the full analysis’s lattices on open, after an edit and once analysed', async () => {
    const parser = await pythonParser();
    const source = TRICKY_SOURCES['stacked and called decorators'] ?? '';
    const document = new ParsedDocument('file:///heads.py', 1, source, parser);
    try {
      assert.deepStrictEqual(document.dispatchableLattices(), latticesOf(await analyze(source)));
      document.analysis();
      const mirror = TextDocument.create('file:///heads.py', 'python', 1, source);
      const at = source.indexOf('async def flow');
      const range = { start: mirror.positionAt(at), end: mirror.positionAt(at + 'async def flow'.length) };
      document.update([{ range, text: 'def renamed' }], 2);
      const edited = TextDocument.applyEdits(mirror, [{ range, newText: 'def renamed' }]);
      assert.deepStrictEqual(document.dispatchableLattices(), latticesOf(await analyze(edited)));
      assert.deepStrictEqual(document.dispatchableLattices().map((lattice) => lattice.name), ['renamed']);
      document.analysis();
      assert.deepStrictEqual(document.dispatchableLattices(), latticesOf(await analyze(edited)));
    } finally {
      document.dispose();
    }
  });

  it('in a notebook, gives each cell the lattices of its full analysis', async () => {
    const codeCells = ipynbCodeCells(fs.readFileSync(path.join(repoRoot, 'examples', 'redispatch_howto.ipynb'), 'utf8')) ?? [];
    const cells = codeCells.map(({ index, source }) => ({ uri: `vscode-notebook-cell:/nb.ipynb#cell${index}`, text: source }));
    const parser = await pythonParser();
    const fromHeadsFirst = new NotebookProgram('file:///nb.ipynb', cells, parser);
    const analysedFirst = new NotebookProgram('file:///nb.ipynb', cells, parser);
    try {
      const heads = cells.map((cell) => fromHeadsFirst.cellLattices(cell.uri));
      const full = cells.map((cell) => latticesOf(analysedFirst.cellAnalysis(cell.uri) ?? { importsCovalent: false, symbols: [], diagnostics: [] }));
      assert.deepStrictEqual(heads, full);
      assert.ok(full.flat().length > 0, 'the example notebook has lattices');
      assert.deepStrictEqual(cells.map((cell) => analysedFirst.cellLattices(cell.uri)), full);
    } finally {
      fromHeadsFirst.dispose();
      analysedFirst.dispose();
    }
  });
});
