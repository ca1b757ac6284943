import * as fs from 'fs';

/** Process helpers the tests share: whether a pid lives, waiting for one to end, reading a pid a program wrote. */

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `pid` is gone (false when it still runs after `ms`). */
export async function gone(pid: number, ms = 10000): Promise<boolean> {
  const until = Date.now() + ms;
  while (alive(pid) && Date.now() < until) await pause(100);
  return !alive(pid);
}

/** The pid a program wrote to `file` (user code in the tests writes its own before it hangs). */
export async function pidWritten(file: string, ms = 30000): Promise<number> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
    if (text) return Number(text);
    await pause(50);
  }
  throw new Error(`nothing wrote ${file}`);
}
