import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from './detectionHelpers';

interface Setting {
  readonly description?: string;
  readonly markdownDescription?: string;
}

interface Manifest {
  readonly capabilities: { readonly untrustedWorkspaces: { readonly restrictedConfigurations?: readonly string[] } };
  readonly contributes: { readonly configuration: { readonly properties: Record<string, Setting> } | readonly { readonly properties: Record<string, Setting> }[] };
}

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;

function settings(): Map<string, Setting> {
  const configuration = manifest.contributes.configuration;
  const sections = Array.isArray(configuration) ? configuration : [configuration];
  return new Map(sections.flatMap((section: { readonly properties: Record<string, Setting> }) => Object.entries(section.properties)));
}

/** A setting that says where requests go or which program runs: by its name, its description, or an address in an example. */
function namesAnAddressOrInterpreter(key: string, setting: Setting): boolean {
  const words = `${key} ${setting.markdownDescription ?? ''} ${setting.description ?? ''}`;
  return /address|interpreter|pythonPath|:\/\//i.test(words);
}

describe('package.json', () => {
  it('restricts, in untrusted workspaces, every setting that names an address or an interpreter', () => {
    const restricted = new Set(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? []);
    const declared = settings();
    const wanted = [...declared].filter(([key, setting]) => namesAnAddressOrInterpreter(key, setting)).map(([key]) => key);
    for (const key of ['covalent.dispatcherAddress', 'covalent.servers', 'covalent.triggersServerAddress', 'covalent.pythonPath', 'covalent.executors']) {
      assert.ok(wanted.includes(key), `${key} is recognised as naming an address or an interpreter`);
    }
    assert.deepStrictEqual(
      wanted.filter((key) => !restricted.has(key)),
      [],
      'a workspace could point these at another server or program before it is trusted',
    );
    assert.deepStrictEqual(
      [...restricted].filter((key) => !declared.has(key)),
      [],
      'every restricted setting is one the extension declares',
    );
  });
});
