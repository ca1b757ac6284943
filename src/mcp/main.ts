import * as fs from 'fs';
import * as path from 'path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { McpBackend } from './mcpBackend';
import { agentToolServer } from './mcpServer';

/**
 * `node dist/mcp.js [--server URL] [--python PATH] [--workspace DIR]`: the agent
 * tools over stdio for MCP clients outside VS Code. The token comes from
 * COVALENT_TOKEN or the file COVALENT_TOKEN_FILE names, never from the command
 * line (where other users of the machine can read it). Logs go to stderr:
 * stdout is the protocol's.
 */

const DEFAULT_SERVER = 'http://localhost:48008';
const USAGE = 'usage: node dist/mcp.js [--server URL] [--python PATH] [--workspace DIR]   (token: COVALENT_TOKEN or COVALENT_TOKEN_FILE)';

interface Arguments {
  readonly server: string;
  readonly python: string;
  readonly workspace: string;
}

export function readArguments(argv: readonly string[], cwd: string): Arguments {
  const values: Record<string, string> = {};
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index] ?? '';
    if (flag === '--help' || flag === '-h') throw new UsageError(USAGE);
    if (flag === '--token') throw new UsageError('A token on the command line is readable by other users of this machine: set COVALENT_TOKEN, or COVALENT_TOKEN_FILE to a file holding it.');
    const match = /^--(server|python|workspace)(?:=(.*))?$/.exec(flag);
    if (!match?.[1]) throw new UsageError(`Unknown argument ${flag}.\n${USAGE}`);
    const value = match[2] ?? argv[++index];
    if (!value) throw new UsageError(`${flag} needs a value.\n${USAGE}`);
    values[match[1]] = value;
  }
  const workspace = path.resolve(cwd, values.workspace ?? '.');
  if (!fs.existsSync(workspace) || !fs.statSync(workspace).isDirectory()) throw new UsageError(`--workspace ${workspace} is not a folder.`);
  return { server: values.server ?? process.env.COVALENT_SERVER ?? DEFAULT_SERVER, python: values.python ?? 'python3', workspace };
}

export function readToken(env: NodeJS.ProcessEnv): string | undefined {
  if (env.COVALENT_TOKEN?.trim()) return env.COVALENT_TOKEN.trim();
  const file = env.COVALENT_TOKEN_FILE;
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch (error) {
    throw new UsageError(`COVALENT_TOKEN_FILE names ${file}, which cannot be read (${error instanceof Error ? error.message : String(error)}).`);
  }
}

class UsageError extends Error {}

async function main(): Promise<void> {
  const args = readArguments(process.argv.slice(2), process.cwd());
  const log = (level: string) => (message: string) => process.stderr.write(`[covalent-mcp ${level}] ${message}\n`);
  const backend = new McpBackend({
    ...args,
    token: readToken(process.env),
    distFolder: __dirname,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
  });
  const { server, idle } = agentToolServer(backend, '0.1.0');
  const stop = async () => {
    // The last lines read may not have reached their handlers yet: let them start, then wait for their answers.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await idle();
    await server.close().catch(() => undefined);
    await backend.dispose();
    process.exit(0);
  };
  process.stdin.on('end', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  await server.connect(new StdioServerTransport());
  log('info')(`serving the Covalent tools for ${args.workspace} (server ${args.server}, Python ${args.python})`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`covalent-mcp: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}
