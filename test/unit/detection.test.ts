import * as assert from 'assert';
import { DiagnosticCodes } from '../../src/languageServer/detection/types';
import { dispatchableLattices } from '../../src/languageServer/detection/analyze';
import { codeLenses } from '../../src/languageServer/features';
import { analyze, fixture, summary, symbolNamed, textAt } from './detectionHelpers';

const lensNames = (uri: string, source: Awaited<ReturnType<typeof analyze>>) =>
  [...new Set(codeLenses(uri, dispatchableLattices(source)).map((lens) => (lens.command?.arguments?.[0] as { lattice: string }).lattice))];

const SIMPLE_BODY = (decorator: string, name = 'flow') => `${decorator}\ndef ${name}(x):\n    return x\n`;

describe('Detection: how Covalent is imported', () => {
  it('finds @ct.lattice with `import covalent as ct`', async () => {
    const analysis = await analyze(`import covalent as ct\n\n${SIMPLE_BODY('@ct.lattice')}`);
    assert.deepStrictEqual(summary(analysis), ['flow:lattice']);
    assert.ok(analysis.importsCovalent);
  });

  it('finds @covalent.electron with `import covalent`', async () => {
    const analysis = await analyze(`import covalent\n\n${SIMPLE_BODY('@covalent.electron', 'task')}`);
    assert.deepStrictEqual(summary(analysis), ['task:electron']);
  });

  it('finds bare @lattice and @electron with `from covalent import lattice, electron`', async () => {
    const source = `from covalent import lattice, electron\n\n${SIMPLE_BODY('@electron', 'task')}\n${SIMPLE_BODY('@lattice')}`;
    assert.deepStrictEqual(summary(await analyze(source)), ['task:electron', 'flow:lattice']);
  });

  it('follows aliases: `from covalent import lattice as wf`', async () => {
    const source = `from covalent import lattice as wf, electron as task\n\n${SIMPLE_BODY('@task', 'step')}\n${SIMPLE_BODY('@wf')}\n${SIMPLE_BODY('@lattice', 'not_bound')}`;
    assert.deepStrictEqual(summary(await analyze(source)), ['step:electron', 'flow:lattice']);
  });

  it('accepts imports inside try:', async () => {
    const source = `try:\n    import covalent as ct\nexcept ImportError:\n    ct = None\n\n${SIMPLE_BODY('@ct.lattice')}`;
    assert.deepStrictEqual(summary(await analyze(source)), ['flow:lattice']);
  });

  it('accepts `from covalent import *`', async () => {
    assert.deepStrictEqual(summary(await analyze(`from covalent import *\n\n${SIMPLE_BODY('@lattice')}`)), ['flow:lattice']);
  });

  it('does not take decorators named lattice/electron from elsewhere for Covalent', async () => {
    const analysis = await analyze(fixture('not_covalent.py'));
    assert.deepStrictEqual(summary(analysis), []);
    assert.strictEqual(analysis.importsCovalent, false);
    // Covalent imported, but `lattice` itself was never imported from it.
    assert.deepStrictEqual(summary(await analyze(`import covalent as ct\nfrom mylib import lattice\n\n${SIMPLE_BODY('@lattice')}`)), []);
  });
});

describe('Detection: decorator shapes', () => {
  it('finds decorators with arguments over several lines, empty parentheses, and stacked in any order', async () => {
    const analysis = await analyze(fixture('decorators.py'));
    assert.deepStrictEqual(summary(analysis), [
      'multi_line_electron:electron',
      'empty_parentheses:electron',
      'below_other_decorator:electron',
      'above_other_decorator:electron',
      'sub_workflow:sublattice',
      'main_workflow:lattice',
      'method_electron:electron',
      'nested_workflow:lattice',
    ]);
  });

  it('treats @ct.electron over @ct.lattice as a sublattice, with no dispatch lens', async () => {
    const analysis = await analyze(fixture('decorators.py'));
    assert.strictEqual(symbolNamed(analysis, 'sub_workflow').kind, 'sublattice');
    assert.deepStrictEqual(lensNames('file:///decorators.py', analysis), ['main_workflow']);
  });

  it('lists nested lattices and electrons as symbols but gives them no dispatch lens', async () => {
    const analysis = await analyze(fixture('decorators.py'));
    const nested = symbolNamed(analysis, 'nested_workflow');
    assert.strictEqual(nested.moduleLevel, false);
    assert.strictEqual(nested.container, 'factory');
    assert.strictEqual(symbolNamed(analysis, 'method_electron').container, 'Holder');
    assert.ok(!lensNames('file:///decorators.py', analysis).includes('nested_workflow'));
  });

  it('gives the whole definition as range (decorators included) and exactly the name as selection range', async () => {
    const source = fixture('decorators.py');
    const analysis = await analyze(source);
    for (const symbol of analysis.symbols) assert.strictEqual(textAt(source, symbol.selectionRange), symbol.name);
    const multiLine = symbolNamed(analysis, 'multi_line_electron');
    assert.match(textAt(source, multiLine.range), /^@ct\.electron\(\n {4}executor="local",[\s\S]*return x \* 2$/);
  });

  it('never counts text in strings or comments', async () => {
    const analysis = await analyze(fixture('decorators.py'));
    assert.ok(!summary(analysis).some((entry) => entry.startsWith('in_a_string')));
    const onlyText = await analyze(`import covalent as ct\n# @ct.lattice\n# def commented(x): ...\ntext = "@ct.lattice def quoted(x): return x"\n`);
    assert.deepStrictEqual(summary(onlyText), []);
  });
});

describe('Detection: the assignment form', () => {
  it('finds wf = ct.lattice(fn), ct.lattice(executor=...)(fn), task = ct.electron(fn), also after `;`', async () => {
    const source = fixture('assignments.py');
    const analysis = await analyze(source);
    assert.deepStrictEqual(summary(analysis), [
      'add_task:electron',
      'flow:lattice',
      'flow_on_executor:lattice',
      'sub_flow:sublattice',
      'wrapped_sublattice:sublattice',
    ]);
    for (const symbol of analysis.symbols) assert.strictEqual(textAt(source, symbol.selectionRange), symbol.name);
    assert.deepStrictEqual(lensNames('file:///assignments.py', analysis), ['flow', 'flow_on_executor']);
    // The lattice after `;` starts mid-line.
    assert.ok(symbolNamed(analysis, 'sub_flow').range.start.character > 0);
  });
});

describe('Detection: syntax errors, line endings, tabs and non-ASCII names', () => {
  it('finds the lattices and electrons above and below a syntax error', async () => {
    const analysis = await analyze(fixture('syntax_error.py'));
    assert.deepStrictEqual(summary(analysis), ['before:electron', 'being_edited:lattice', 'after:electron', 'last:lattice']);
    assert.deepStrictEqual(lensNames('file:///syntax_error.py', analysis), ['being_edited', 'last']);
  });

  it('finds a lattice below an unclosed bracket at module level', async () => {
    const source = `import covalent as ct\n\nvalues = (1,\n\n${SIMPLE_BODY('@ct.electron', 'task')}\n${SIMPLE_BODY('@ct.lattice')}`;
    const analysis = await analyze(source);
    assert.deepStrictEqual(summary(analysis), ['task:electron', 'flow:lattice']);
    for (const symbol of analysis.symbols) assert.strictEqual(textAt(source, symbol.selectionRange), symbol.name);
  });

  it('gives exact ranges with CRLF line endings, tabs and non-ASCII identifiers', async () => {
    const source = [
      'import covalent as ct',
      'note = "naïve 😀 text"; wörk_flow = ct.lattice(schritt_fn)',
      '',
      'def schritt_fn(x):',
      '\treturn x',
      '',
      'if True:',
      '\t@ct.electron',
      '\tdef schritt_😀(x):', // not an identifier: must not crash or shift anything
      '\t\treturn x',
      '',
      '@ct.electron',
      'def größe(x):',
      '\treturn x',
      '',
    ].join('\r\n');
    const analysis = await analyze(source);
    const workflow = symbolNamed(analysis, 'wörk_flow');
    assert.deepStrictEqual(workflow.selectionRange, { start: { line: 1, character: 24 }, end: { line: 1, character: 33 } });
    assert.strictEqual(textAt(source, workflow.selectionRange), 'wörk_flow');
    const size = symbolNamed(analysis, 'größe');
    assert.deepStrictEqual(size.selectionRange, { start: { line: 12, character: 4 }, end: { line: 12, character: 9 } });
    assert.strictEqual(size.range.end.line, 13);
    assert.strictEqual(size.range.end.character, '\treturn x'.length);
  });
});

describe('Detection: diagnostics', () => {
  it('reports a misspelt Covalent decorator as an error with the fix', async () => {
    const source = fixture('diagnostics.py');
    const analysis = await analyze(source);
    const misspelt = analysis.diagnostics.filter((diagnostic) => diagnostic.code === DiagnosticCodes.misspeltDecorator);
    assert.strictEqual(misspelt.length, 1);
    assert.strictEqual(misspelt[0]?.severity, 'error');
    assert.strictEqual(textAt(source, misspelt[0]?.range), 'latice');
    assert.deepStrictEqual(misspelt[0]?.fix?.newText, 'lattice');
    assert.ok(!summary(analysis).includes('misspelt:lattice'), 'a misspelt decorator makes no lattice');
  });

  it('reports a misspelt name imported from covalent', async () => {
    const analysis = await analyze('from covalent import electorn, lattice\n');
    assert.deepStrictEqual(
      analysis.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.fix?.newText]),
      [[DiagnosticCodes.misspeltDecorator, 'electron']],
    );
  });

  it('warns about a lattice with no return', async () => {
    const source = fixture('diagnostics.py');
    const warnings = (await analyze(source)).diagnostics.filter((diagnostic) => diagnostic.code === DiagnosticCodes.latticeWithoutReturn);
    assert.deepStrictEqual(
      warnings.map((diagnostic) => [diagnostic.severity, textAt(source, diagnostic.range)]),
      [['warning', 'no_result']],
    );
    assert.match(warnings[0]?.message ?? '', /None/);
  });

  it('informs that an electron called at module level runs locally', async () => {
    const source = fixture('diagnostics.py');
    const information = (await analyze(source)).diagnostics.filter((diagnostic) => diagnostic.code === DiagnosticCodes.electronCalledOutsideLattice);
    assert.deepStrictEqual(
      information.map((diagnostic) => [diagnostic.severity, diagnostic.range.start.line, textAt(source, diagnostic.range)]),
      [
        ['information', 29, 'task'],
        ['information', 32, 'task'],
      ],
    );
  });

  it('hints that a plain function called in a lattice body runs while the graph is built', async () => {
    const source = fixture('diagnostics.py');
    const hints = (await analyze(source)).diagnostics.filter((diagnostic) => diagnostic.code === DiagnosticCodes.plainFunctionInLattice);
    assert.deepStrictEqual(
      hints.map((diagnostic) => [diagnostic.severity, diagnostic.range.start.line, textAt(source, diagnostic.range)]),
      [['hint', 24, 'helper']],
    );
  });

  it('reports nothing for the seed workflow and for correct assignment-form workflows', async () => {
    assert.deepStrictEqual((await analyze(fixture('../../../examples/redispatch_howto.py'))).diagnostics, []);
    assert.deepStrictEqual((await analyze(fixture('assignments.py'))).diagnostics, []);
    assert.deepStrictEqual((await analyze(fixture('decorators.py'))).diagnostics, []);
  });
});
