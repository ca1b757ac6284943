import * as path from 'path';
import type { Page } from 'playwright-core';

/**
 * Runs a UI test as named steps and photographs the page after each one, so a
 * failure shows what the person would have seen. Screenshots are numbered in
 * the order taken: `03-dispatch-inputs.png`, `04-dispatches-7-of-7-FAILED.png`.
 */
export class Steps {
  private count = 0;

  constructor(
    private readonly page: Page,
    private readonly folder: string,
  ) {}

  async run<T>(name: string, action: () => Promise<T>): Promise<T> {
    const file = `${String(++this.count).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
    let result: T;
    try {
      result = await action();
    } catch (error) {
      await this.photograph(`${file}-FAILED`);
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`step "${name}" failed: ${message}\nscreenshots of every step up to this one: ${this.folder}`, { cause: error });
    }
    await this.photograph(file);
    return result;
  }

  private async photograph(file: string): Promise<void> {
    // A screenshot that cannot be taken (the page crashed) must not hide the step's own error.
    await this.page.screenshot({ path: path.join(this.folder, `${file}.png`), timeout: 10000 }).catch(() => undefined);
  }
}
