import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Commands, ContextKeys, PanelTypes, Views } from '../../src/util/commandIds';
import { repoRoot } from './detectionHelpers';

interface Manifest {
  readonly contributes: {
    readonly commands: readonly { readonly command: string }[];
    readonly views: Record<string, readonly { readonly id: string }[]>;
  };
}

const manifestText = fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8');
const manifest = JSON.parse(manifestText) as Manifest;
const INTERNAL_COMMANDS = new Set<string>([Commands.loadMoreDispatches, Commands.showMoreTasks]);

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('command ids and context keys', () => {
  it('name every command package.json contributes, and only those (plus internal ones)', () => {
    const contributed = manifest.contributes.commands.map((entry) => entry.command).sort();
    const known = Object.values(Commands)
      .filter((id) => !INTERNAL_COMMANDS.has(id))
      .sort();
    assert.deepStrictEqual(known, contributed);
  });

  it('name every view package.json contributes', () => {
    const contributed = Object.values(manifest.contributes.views)
      .flat()
      .map((view) => view.id)
      .sort();
    assert.deepStrictEqual(Object.values(Views).sort(), contributed);
  });

  it('hold every context key package.json reads', () => {
    const whenClauses = [...manifestText.matchAll(/"(?:when|enablement)": "([^"]*)"/g)].map((match) => match[1] ?? '');
    const completions = [...manifestText.matchAll(/onContext:([\w.]+)/g)].map((match) => match[1] ?? '');
    const read = new Set([...whenClauses.flatMap((clause) => clause.match(/\bcovalent\.\w+/g) ?? []), ...completions]);
    const views = new Set<string>(Object.values(Views));
    const keys = new Set<string>(Object.values(ContextKeys));
    const unknown = [...read].filter((key) => !views.has(key) && !keys.has(key));
    assert.deepStrictEqual(unknown, [], 'context keys package.json reads that ContextKeys does not hold');
  });

  it('are written as string literals only in src/util/commandIds.ts (comments may name them)', () => {
    const names = new Set<string>([...Object.values(Commands), ...Object.values(ContextKeys), ...Object.values(Views), ...Object.values(PanelTypes)]);
    const home = path.join(repoRoot, 'src', 'util', 'commandIds.ts');
    const strays: string[] = [];
    for (const file of sourceFiles(path.join(repoRoot, 'src'))) {
      if (file === home) continue;
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(/['"](covalent\.[\w.]+)['"]/g)) {
        const name = match[1] ?? '';
        if (names.has(name)) strays.push(`${path.relative(repoRoot, file)}: ${name}`);
      }
    }
    assert.deepStrictEqual(strays, []);
  });
});
