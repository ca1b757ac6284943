import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { TaskState } from '../../src/store/types';
import { codeBlock, escapeMarkdown, inlineCode } from '../../src/views/markdown';
import { dispatchTooltip, electronHover, taskTooltip } from '../../src/views/tooltips';
import { repoRoot } from './detectionHelpers';

/** What a CommonMark reader makes of backslash escapes: the character itself. */
const unescape = (markdown: string) => markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');

describe('Markdown of server text', () => {
  it('escapes emphasis, links, command links, code, HTML and entities so they show as typed', () => {
    assert.strictEqual(escapeMarkdown('**bold** _it_ *x*'), '\\*\\*bold\\*\\* \\_it\\_ \\*x\\*');
    assert.strictEqual(escapeMarkdown('[x](command:workbench.action.terminal.new)'), '\\[x\\]\\(command\\:workbench\\.action\\.terminal\\.new\\)');
    assert.strictEqual(escapeMarkdown('run `rm -rf`'), 'run \\`rm \\-rf\\`');
    assert.strictEqual(escapeMarkdown('<img src=x onerror=alert(1)>'), '\\<img src\\=x onerror\\=alert\\(1\\)\\>');
    assert.strictEqual(escapeMarkdown('&lt; ![i](https://x.test/a.png)'), '\\&lt\\; \\!\\[i\\]\\(https\\:\\/\\/x\\.test\\/a\\.png\\)');
    assert.strictEqual(escapeMarkdown('C:\\Users\\ada\\wf.py'), 'C\\:\\\\Users\\\\ada\\\\wf\\.py', 'a backslash is escaped too');
    assert.strictEqual(escapeMarkdown('task_1 # 2.'), 'task\\_1 \\# 2\\.');
  });

  it('keeps letters, digits and other text, and puts everything on one line', () => {
    const samples = ['plain name 42', 'ünïcødé タスク', 'a\n# heading\n- item\n> quote', '1. list\r\n===', '|table|cell|', '~~strike~~ $(icon)'];
    for (const sample of samples) {
      const escaped = escapeMarkdown(sample);
      assert.ok(!/[\r\n]/.test(escaped), `one line: ${escaped}`);
      assert.strictEqual(unescape(escaped), sample.replace(/\r?\n/g, ' '));
      assert.ok(!/[!-/:-@[-`{-~]/.test(escaped.replace(/\\[!-/:-@[-`{-~]/g, '')), `no punctuation left unescaped: ${escaped}`);
    }
    assert.strictEqual(escapeMarkdown('plain name 42'), 'plain name 42');
  });

  it('puts text in a code span no backtick in it can close', () => {
    assert.strictEqual(inlineCode('11111111-2222'), '`11111111-2222`');
    assert.strictEqual(inlineCode('a`b'), '``a`b``');
    assert.strictEqual(inlineCode('x``[y](command:z)'), '```x``[y](command:z)```');
    assert.strictEqual(inlineCode('`edge`'), '`` `edge` ``', 'padded, since a span strips one space each side');
    assert.strictEqual(inlineCode(' spaced '), '`  spaced  `');
    assert.strictEqual(inlineCode('<img onerror=alert(1)>'), '`<img onerror=alert(1)>`', 'a code span shows HTML as text');
    assert.strictEqual(inlineCode('two\nlines'), '`two lines`');
    assert.strictEqual(inlineCode(''), '');
  });

  it('puts text in a code block no line of it can close', () => {
    assert.strictEqual(codeBlock('Traceback\nZeroDivisionError'), '```\nTraceback\nZeroDivisionError\n```');
    const escape = 'boom\n```\n[run](command:workbench.action.terminal.new) <img src=x onerror=alert(1)>\n````';
    assert.strictEqual(codeBlock(escape), `\`\`\`\`\`\n${escape}\n\`\`\`\`\``);
  });

  it('no view trusts its Markdown or lets it carry HTML', () => {
    for (const folder of ['src/views', 'src/languageClient', 'src/store', 'src/covalent']) {
      for (const file of fs.readdirSync(path.join(repoRoot, folder)).filter((name) => name.endsWith('.ts'))) {
        const source = fs.readFileSync(path.join(repoRoot, folder, file), 'utf8');
        assert.ok(!/\b(isTrusted|supportHtml)\s*[=:]/.test(source), `${folder}/${file} enables isTrusted or supportHtml`);
      }
    }
  });

  it('the tree’s and the editor’s tooltips escape what the server named and said', () => {
    const link = '[open](command:workbench.action.terminal.new)';
    const task: TaskState = { nodeId: 3, name: `*task*_${link}`, kind: 'function', status: 'FAILED', reused: false };
    const tooltip = taskTooltip(task, 'dask`<img src=x onerror=alert(1)>', 'Traceback\n```\n' + link + '\n<img src=x onerror=alert(1)>');
    assert.strictEqual(
      tooltip,
      [
        `**\\*task\\*\\_${escapeMarkdown(link)}** · failed`,
        'Node 3 · runs on ``dask`<img src=x onerror=alert(1)>``',
        '````\nTraceback\n```\n' + link + '\n<img src=x onerror=alert(1)>\n````',
      ].join('\n\n'),
    );
    assert.strictEqual(taskTooltip({ nodeId: 0, name: 'add', kind: 'function', status: 'COMPLETED', reused: false }, 'dask', undefined), '**add** · completed\n\nNode 0 · runs on `dask`', 'plain names read as before');

    const dispatch = { dispatchId: 'id`](command:x)', status: 'COMPLETED' as const, name: `<img src=x onerror=alert(1)> ${link}`, origin: { serverAddress: 'http://s', parentDispatchId: 'p`q', inputs: '1, `2`' } };
    const lines = dispatchTooltip(dispatch, '/home/ada/wf_[1].py').split('\n\n');
    assert.strictEqual(lines[0], `**${escapeMarkdown(dispatch.name)}** · completed`);
    assert.strictEqual(lines[1], 'Dispatch ``id`](command:x)``');
    assert.strictEqual(lines[3], 'From \\/home\\/ada\\/wf\\_\\[1\\]\\.py with ``(1, `2`)``');
    assert.strictEqual(lines[4], 'Redispatch of ``p`q``');
    assert.strictEqual(electronHover('a`b', [task]), 'Last dispatch ``a`b``: failed ');
  });
});
