/**
 * Polling helpers for tests, unit and integration alike (no `vscode` here).
 */

/** Calls `probe` every `stepMs` until it gives a value (not undefined or false), for at most `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60000, stepMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/**
 * `waitFor` for probes that may throw while a part is still starting (the
 * language server): an error counts as "not yet", and the last one is named if
 * the time runs out.
 */
export async function waitForDespiteErrors<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20000, stepMs = 100): Promise<T> {
  let lastError: unknown;
  const tolerant = async () => {
    try {
      return await probe();
    } catch (error) {
      lastError = error;
      return undefined;
    }
  };
  try {
    return await waitFor(what, tolerant, timeoutMs, stepMs);
  } catch (timeout) {
    throw lastError ? new Error(`${(timeout as Error).message}: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}`, { cause: timeout }) : timeout;
  }
}

/** `promise`, or an error naming `what` once `timeoutMs` has passed: a step that hangs says which it was. */
export async function within<T>(what: string, timeoutMs: number, promise: Thenable<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve(promise), late]);
  } finally {
    clearTimeout(timer);
  }
}
