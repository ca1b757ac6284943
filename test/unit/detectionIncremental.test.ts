import * as assert from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { hover, quickFixes, diagnostics as toLspDiagnostics } from '../../src/languageServer/features';
import { ParsedDocument } from '../../src/languageServer/parsedDocument';
import { analyze, countScans, fixture, pythonParser, summary } from './detectionHelpers';

function positionOf(source: string, needle: string, occurrence = 0) {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) index = source.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`${needle} not in source`);
  return TextDocument.create('file:///x.py', 'python', 0, source).positionAt(index);
}

describe('Detection: incremental edits', () => {
  it('after a sequence of edits (also after its parse state was freed), gives what a fresh parse of the same text gives', async () => {
    const parser = await pythonParser();
    const source = fixture('decorators.py');
    const document = new ParsedDocument('file:///decorators.py', 1, source, parser);
    let mirror = TextDocument.create('file:///decorators.py', 'python', 1, source);
    const edits = [
      { needle: '@ct.electron()', text: '@ct.lattice()' }, // kind changes
      { needle: 'def empty_parentheses', text: '\r\n\n# moved\n' + 'def empty_parentheses' }, // lines inserted above later statements
      { needle: 'NOT_A_LATTICE = """', text: 'NOT_A_LATTICE = ' }, // the string opens no more: its text becomes code
      { needle: 'ünï', text: 'ünï' },
      { needle: 'return x * 2', text: 'return (x * 2' }, // an unclosed bracket swallows what follows
      { needle: 'return (x * 2', text: 'return x * 2' },
    ];
    let version = 1;
    for (const edit of edits) {
      const text = mirror.getText();
      const at = text.indexOf(edit.needle);
      const range = at >= 0 ? { start: mirror.positionAt(at), end: mirror.positionAt(at + edit.needle.length) } : { start: mirror.positionAt(0), end: mirror.positionAt(0) };
      version++;
      document.update([{ range, text: edit.text }], version);
      mirror = TextDocument.update(mirror, [{ range, text: edit.text }], version);
      assert.strictEqual(document.text, mirror.getText());
      assert.deepStrictEqual(document.analysis(), await analyze(mirror.getText()), `after replacing ${JSON.stringify(edit.needle)}`);
      // The server frees trees and facts of documents not used lately: the next edit starts afresh.
      if (version === 4) document.releaseParseState();
    }
    document.dispose();
  });

  it('rewalks only the statement an edit touched', async () => {
    const parser = await pythonParser();
    const source = fixture('decorators.py');
    const document = new ParsedDocument('file:///decorators.py', 1, source, parser);
    const initial = countScans();
    try {
      document.analysis();
    } finally {
      initial.restore();
    }
    assert.ok(initial.count > 10, `the first analysis walks every statement (${initial.count})`);
    const start = positionOf(source, 'return x * 2');
    document.update([{ range: { start, end: start }, text: 'y = x\n    ' }], 2);
    const afterEdit = countScans();
    let analysis;
    try {
      analysis = document.analysis();
    } finally {
      afterEdit.restore();
    }
    assert.strictEqual(afterEdit.count, 1);
    assert.strictEqual(summary(analysis).length, 8);
    // Statements below the edit moved down one line, and their ranges say so.
    assert.strictEqual(analysis.symbols.find((symbol) => symbol.name === 'main_workflow')?.selectionRange.start.line, positionOf(source, 'def main_workflow').line + 1);
    document.dispose();
  });
});

describe('Detection: hover and quick fix', () => {
  it('says what a lattice or electron is, on its name, its decorator, and where it is used', async () => {
    const parser = await pythonParser();
    const source = fixture('decorators.py');
    const document = new ParsedDocument('file:///decorators.py', 1, source, parser);
    const onName = hover(document.analysis(), document.syntaxTree, positionOf(source, 'main_workflow'));
    assert.match(JSON.stringify(onName?.contents), /Covalent lattice.*main_workflow\(x\)/);
    assert.match(JSON.stringify(onName?.contents), /executor=\\"local\\"/);
    const onDecorator = hover(document.analysis(), document.syntaxTree, positionOf(source, '@ct.electron()'));
    assert.match(JSON.stringify(onDecorator?.contents), /Covalent electron.*empty_parentheses/);
    const onUse = hover(document.analysis(), document.syntaxTree, positionOf(source, 'sub_workflow(x)'));
    assert.match(JSON.stringify(onUse?.contents), /Covalent sublattice/);
    assert.deepStrictEqual(onUse?.range?.start, positionOf(source, 'sub_workflow(x)'));
    const elsewhere = hover(document.analysis(), document.syntaxTree, positionOf(source, 'functools'));
    assert.strictEqual(elsewhere, null);
    document.dispose();
  });

  it('offers the quick fix for a misspelt decorator, and applying it makes the lattice', async () => {
    const source = fixture('diagnostics.py');
    const uri = 'file:///diagnostics.py';
    const lspDiagnostics = toLspDiagnostics(await analyze(source));
    const fixes = quickFixes(uri, lspDiagnostics);
    assert.strictEqual(fixes.length, 1);
    assert.strictEqual(fixes[0]?.kind, 'quickfix');
    const edits = fixes[0]?.edit?.changes?.[uri] ?? [];
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'python', 1, source), edits);
    assert.match(fixed, /@ct\.lattice\ndef misspelt/);
    assert.ok(summary(await analyze(fixed)).includes('misspelt:lattice'));
  });
});
