import * as fs from 'fs';
import * as path from 'path';

/**
 * Where a function is defined among a folder's Python files, read from disk:
 * what the editor's locator does with the language server, for the MCP server,
 * which has no editor. The first `def name(` at the start of a line wins, the
 * preferred file first. No `vscode` here.
 */

/** Folders that never hold the user's workflows. */
const SKIPPED = new Set(['.git', '.venv', 'venv', 'node_modules', 'site-packages', '.cache', '__pycache__']);
/** Python files read at most, so a huge folder answers anyway. */
const MAX_FILES = 2000;

export interface Definition {
  readonly path: string;
  /** 1-based line of the definition's first decorator (or its `def`). */
  readonly line: number;
  /** The decorators, the signature and the body. */
  readonly text: string;
}

export async function findDefinition(folder: string, name: string, preferred?: string): Promise<Definition | undefined> {
  const files = preferred ? [preferred, ...(await pythonFiles(folder)).filter((file) => file !== preferred)] : await pythonFiles(folder);
  for (const file of files) {
    const text = await fs.promises.readFile(file, 'utf8').catch(() => undefined);
    if (!text?.includes(name)) continue;
    const found = definitionIn(text, name);
    if (found) return { path: file, ...found };
  }
  return undefined;
}

/** The definition of `name` in one file's text: its decorators, its `def` line and every line indented under it. */
export function definitionIn(text: string, name: string): { line: number; text: string } | undefined {
  const lines = text.split(/\r?\n/);
  const pattern = new RegExp(`^([ \\t]*)(?:async[ \\t]+)?def[ \\t]+${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ \\t]*\\(`);
  const defLine = lines.findIndex((line) => pattern.test(line));
  if (defLine < 0) return undefined;
  const indent = (line: string) => line.length - line.trimStart().length;
  const base = indent(lines[defLine] ?? '');
  let first = defLine;
  while (first > 0 && (lines[first - 1] ?? '').trimStart().startsWith('@') && indent(lines[first - 1] ?? '') === base) first--;
  let last = defLine;
  for (let index = defLine + 1; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (!line.trim()) continue;
    if (indent(line) <= base) break;
    last = index;
  }
  return { line: first + 1, text: lines.slice(first, last + 1).join('\n') };
}

async function pythonFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (directory: string): Promise<void> => {
    const entries = await fs.promises.readdir(directory, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (found.length >= MAX_FILES) return;
      const full = path.join(directory, entry.name);
      if (entry.isDirectory() && !SKIPPED.has(entry.name) && !entry.name.startsWith('.')) await visit(full);
      else if (entry.isFile() && entry.name.endsWith('.py')) found.push(full);
    }
  };
  await visit(folder);
  return found.sort();
}
