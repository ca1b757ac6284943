import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { repoRoot } from '../support/harness';

/**
 * No module imports itself through others: the sources form layers, each
 * importing only from below. Type-only imports and re-exports count, so that a
 * file's place in the layers does not depend on how it spells an import.
 */

const srcRoot = path.join(repoRoot, 'src');
const bridgePackage = path.join(srcRoot, 'bridge', 'python', 'covalent_bridge');

type Graph = Map<string, Set<string>>;

function filesUnder(dir: string, ending: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
        found.push(...filesUnder(full, ending));
      }
    } else if (entry.name.endsWith(ending)) {
      found.push(full);
    }
  }
  return found;
}

/** Every module a TypeScript file names: imports, `import type`, `export … from`, `import x = require()`, `import()`. */
function tsSpecifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((ref) => ref.fileName);
}

function resolveTs(from: string, specifier: string, known: Set<string>): string | undefined {
  if (!specifier.startsWith('.')) {
    return undefined;
  }
  const base = path.resolve(path.dirname(from), specifier);
  const stripped = base.replace(/\.js$/, '');
  for (const candidate of [base, `${stripped}.ts`, `${stripped}.d.ts`, path.join(base, 'index.ts')]) {
    if (known.has(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

function typescriptGraph(): Graph {
  const files = filesUnder(srcRoot, '.ts');
  const known = new Set(files);
  const graph: Graph = new Map();
  for (const file of files) {
    const targets = new Set<string>();
    for (const specifier of tsSpecifiers(file)) {
      const target = resolveTs(file, specifier, known);
      if (target !== undefined) {
        targets.add(target);
      }
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The package's own modules a Python file imports, at the top or inside functions. */
function pythonImports(file: string, modules: Set<string>): Set<string> {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const found = new Set<string>();
  const named = (names: string): string[] =>
    names
      .replace(/[()]/g, ' ')
      .split(',')
      .map((part) => part.trim().split(/\s+/)[0] ?? '')
      .filter((name) => name.length > 0);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').replace(/#.*$/, '').trim();
    // A parenthesised list of names may run over several lines.
    while (/\(\s*[^)]*$/.test(line) && /^from\s/.test(line) && i + 1 < lines.length) {
      i++;
      line += ' ' + (lines[i] ?? '').replace(/#.*$/, '').trim();
    }
    let match = /^from\s+(\.+|covalent_bridge)(\S*)\s+import\s+(.+)$/.exec(line);
    if (match) {
      const dotted = (match[2] ?? '').replace(/^\./, '');
      if (dotted === '') {
        for (const name of named(match[3] ?? '')) {
          if (modules.has(name)) {
            found.add(name);
          }
        }
      } else {
        const head = dotted.split('.')[0] ?? '';
        if (modules.has(head)) {
          found.add(head);
        }
      }
      continue;
    }
    match = /^import\s+(.+)$/.exec(line);
    if (match) {
      for (const part of (match[1] ?? '').split(',')) {
        const name = part.trim().split(/\s+/)[0] ?? '';
        const [root, head] = name.split('.');
        if (root === 'covalent_bridge' && head !== undefined && modules.has(head)) {
          found.add(head);
        }
      }
    }
  }
  return found;
}

function pythonGraph(): Graph {
  const files = fs.readdirSync(bridgePackage).filter((name) => name.endsWith('.py'));
  const modules = new Set(files.map((name) => name.replace(/\.py$/, '')));
  const graph: Graph = new Map();
  for (const name of files) {
    const module = name.replace(/\.py$/, '');
    const targets = pythonImports(path.join(bridgePackage, name), modules);
    targets.delete(module);
    graph.set(module, targets);
  }
  return graph;
}

/** Tarjan's strongly connected components of more than one node, or of one that imports itself. */
export function cycles(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) {
        components.push(component.sort());
      }
    }
  };
  for (const node of graph.keys()) {
    if (!index.has(node)) {
      visit(node);
    }
  }
  return components;
}

function describe_(components: string[][], name: (node: string) => string): string {
  return components.map((component) => `  - ${component.map(name).join(', ')}`).join('\n');
}

describe('import circles', () => {
  it('the TypeScript sources import each other in layers, type imports included', () => {
    const graph = typescriptGraph();
    assert.ok(graph.size > 50, `read only ${graph.size} TypeScript files`);
    assert.ok(
      [...graph.values()].some((targets) => targets.size > 0),
      'no relative import was resolved',
    );
    const found = cycles(graph).map((component) => component.map((file) => path.relative(repoRoot, file)));
    assert.deepStrictEqual(found, [], `import circles:\n${describe_(found, (file) => file)}`);
  });

  it('the folders of src/ import each other in layers: none imports a folder that imports it back', () => {
    // A file's room: its folder under src/ (the page's app/ apart from the rest of webview/), or itself at the top.
    const room = (file: string) => {
      const relative = path.relative(srcRoot, file).split(path.sep);
      if (relative[0] === 'webview' && relative[1] === 'app') return 'webview/app';
      return relative.length > 1 ? (relative[0] ?? '') : (relative[0] ?? '').replace(/\.ts$/, '');
    };
    const rooms: Graph = new Map();
    const through = new Map<string, string>();
    for (const [file, targets] of typescriptGraph()) {
      for (const target of targets) {
        const [from, to] = [room(file), room(target)];
        if (from === to) continue;
        if (!rooms.has(from)) rooms.set(from, new Set());
        rooms.get(from)?.add(to);
        through.set(`${from} ${to}`, `${path.relative(srcRoot, file)} → ${path.relative(srcRoot, target)}`);
      }
    }
    const found = cycles(rooms);
    const arrows = found.map((component) => component.flatMap((from) => component.filter((to) => rooms.get(from)?.has(to)).map((to) => `${from} → ${to} (${through.get(`${from} ${to}`)})`)).join('; '));
    assert.deepStrictEqual(arrows, [], `folders that import each other:\n${arrows.join('\n')}`);
  });

  it('the bridge package imports its modules in layers, imports inside functions included', () => {
    const graph = pythonGraph();
    assert.ok(graph.has('handlers') && (graph.get('handlers')?.size ?? 0) > 3, 'the bridge imports were not read');
    const found = cycles(graph);
    assert.deepStrictEqual(found, [], `import circles:\n${describe_(found, (module) => `${module}.py`)}`);
  });

  it('finds a circle when there is one', () => {
    const graph: Graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    assert.deepStrictEqual(cycles(graph), [['a', 'b', 'c']]);
  });
});
