import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import { lineReporter, type RunSummary } from '../support/reporter';
import { stopDaskCluster } from './support/cluster';

/**
 * Entry point VS Code calls inside the extension host (code-server or desktop,
 * through `extensionTestsPath`). Lines go to COVALENT_TEST_LOG and the summary to
 * COVALENT_TEST_RESULTS, because the host's stdout is not the harness's.
 */
export async function run(): Promise<void> {
  const logFile = process.env.COVALENT_TEST_LOG;
  const resultsFile = process.env.COVALENT_TEST_RESULTS;
  const write = (line: string) => {
    if (logFile) fs.appendFileSync(logFile, line + '\n');
    else console.log(line);
  };
  let summary: RunSummary | undefined;
  const mocha = new Mocha({ ui: 'bdd', timeout: 120000, color: false });
  const grep = process.env.COVALENT_TEST_GREP;
  if (grep) mocha.grep(grep);
  mocha.reporter(lineReporter(write, (result) => (summary = result)));
  // The harness runs a second, untrusted pass (Restricted Mode) for untrusted*.test.js only.
  const untrustedPass = process.env.COVALENT_TEST_PROFILE === 'untrusted';
  for (const file of findTests(__dirname)) {
    if (path.basename(file).startsWith('untrusted') === untrustedPass) mocha.addFile(file);
  }
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  await stopDaskCluster();
  if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(summary ?? { passed: 0, failed: failures, pending: 0, failures: [] }));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}

/**
 * The test files in the order they run: by name, except that the big-workflow
 * suites (`big*.test.js`: thousands of tasks and assets, which leave the server
 * busy for a while after they end) come after the rest, whose timings they would
 * upset (the local server's stop and start among them), and `teardown.test.js` last.
 */
function findTests(dir: string): string[] {
  const rank = (file: string) => (path.basename(file) === 'teardown.test.js' ? 2 : path.basename(file).startsWith('big') ? 1 : 0);
  return listTests(dir)
    .sort()
    .sort((a, b) => rank(a) - rank(b));
}

function listTests(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listTests(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  });
}
