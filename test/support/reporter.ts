import Mocha from 'mocha';

export interface FailedTest {
  readonly title: string;
  readonly error: string;
}

export interface RunSummary {
  passed: number;
  failed: number;
  pending: number;
  failures: FailedTest[];
}

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_SUITE_BEGIN, EVENT_RUN_END } = Mocha.Runner.constants;

/**
 * A mocha reporter that writes plain lines through `write` and hands a summary to
 * `onEnd`. The same reporter serves plain Node (unit tests) and the extension
 * host (integration tests), where stdout is not the harness's terminal.
 */
export function lineReporter(write: (line: string) => void, onEnd: (summary: RunSummary) => void): typeof Mocha.reporters.Base {
  return class LineReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      const summary: RunSummary = { passed: 0, failed: 0, pending: 0, failures: [] };
      runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
        if (suite.title) write(`${'  '.repeat(depth(suite) - 1)}${suite.title}`);
      });
      runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
        summary.passed++;
        write(`${'  '.repeat(depth(test.parent))}✓ ${test.title} (${test.duration ?? 0} ms)`);
      });
      runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
        summary.pending++;
        write(`${'  '.repeat(depth(test.parent))}- ${test.title} (skipped)`);
      });
      runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, error: Error) => {
        summary.failed++;
        const detail = error?.stack || String(error);
        summary.failures.push({ title: test.fullTitle(), error: detail });
        write(`${'  '.repeat(depth(test.parent))}✗ ${test.title}\n${indent(detail, depth(test.parent) + 2)}`);
      });
      runner.once(EVENT_RUN_END, () => onEnd(summary));
    }
  };
}

function depth(suite: Mocha.Suite | undefined): number {
  let level = 0;
  for (let current = suite; current && current.title; current = current.parent) level++;
  return level;
}

function indent(text: string, level: number): string {
  return text
    .split('\n')
    .map((line) => '  '.repeat(level) + line)
    .join('\n');
}
