import type { FrameLocator, Locator, Page } from 'playwright-core';

/**
 * The parts of VS Code's web workbench a person looks at and clicks, as
 * Playwright locators. Selectors follow what the workbench renders (roles and
 * labels where it gives them), so a test reads as the steps a person takes.
 */
export class Workbench {
  constructor(readonly page: Page) {}

  /** The workbench has drawn its activity bar and the opened folder in the Explorer. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.locator('.explorer-folders-view').waitFor({ state: 'visible', timeout: timeoutMs });
  }

  explorerItem(name: string): Locator {
    return this.page.locator('.explorer-folders-view').getByRole('treeitem', { name, exact: true });
  }

  /** A CodeLens link of the active editor, by its title. */
  codeLens(title: string): Locator {
    return this.page.locator('.monaco-editor .codelens-decoration').getByRole('button', { name: title, exact: true });
  }

  codeLensTitles(): Promise<string[]> {
    return this.page.locator('.monaco-editor .codelens-decoration a').allTextContents();
  }

  /** The quick input (input box or quick pick) while it is open. */
  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  quickInputBox(): Locator {
    return this.quickInput().locator('input.input');
  }

  activityBarItem(label: string): Locator {
    return this.page.locator(`.part.activitybar .action-item .action-label[aria-label="${label}"]`);
  }

  /** A view's pane in the side bar (its header says the view's name). */
  viewPane(name: string): Locator {
    return this.page.locator('.part.sidebar .pane').filter({ has: this.page.locator(`.pane-header[aria-label^="${name}"]`) });
  }

  treeRows(pane: Locator): Locator {
    return pane.locator('.monaco-list-row');
  }

  /** A tree row's label and its description (the dimmer text after it); empty while the row is not drawn. */
  async treeRowText(row: Locator): Promise<{ label: string; description: string }> {
    const text = (part: string) => row.locator(part).first().innerText({ timeout: 1000 }).then((value) => value.trim(), () => '');
    return { label: await text('.label-name'), description: await text('.label-description') };
  }

  statusBarText(): Promise<string> {
    return this.page.locator('.part.statusbar').innerText();
  }

  /**
   * The document of the webview on screen. code-server nests it twice: the
   * workbench's `iframe.webview` hosts VS Code's webview shell, whose
   * `#active-frame` holds the extension's HTML.
   */
  visibleWebview(): FrameLocator {
    return this.page.locator('iframe.webview').filter({ visible: true }).last().contentFrame().locator('#active-frame').contentFrame();
  }
}
