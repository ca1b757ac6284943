import * as vscode from 'vscode';

/** Which page a panel shows: a dispatch's result, or a workflow's graph before any dispatch. */
export type PageOptions = { readonly mode: 'result'; readonly dispatchId: string; readonly selectedNodeId?: number } | { readonly mode: 'preview'; readonly selectedNodeId?: number };

/**
 * The result panel's page (also a preview's, in its preview mode): only our own
 * script and styles (nonce'd script, no inline code, no remote resources), so
 * whatever a dispatch's data or a workflow's names contain can never run there.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: PageOptions): string {
  const asset = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
  const nonce = createNonce();
  const csp = ["default-src 'none'", `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `img-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'webview', 'codicon.css')}">
<link rel="stylesheet" href="${asset('media', 'webview.css')}">
<title>${page.mode === 'preview' ? 'Covalent graph preview' : 'Covalent dispatch'}</title>
</head>
<body data-mode="${page.mode}" data-dispatch-id="${escapeAttribute(page.mode === 'result' ? page.dispatchId : '')}" data-selected="${page.selectedNodeId ?? ''}">
<div id="app" role="application" aria-label="${page.mode === 'preview' ? 'Covalent workflow graph preview' : 'Covalent dispatch result'}"></div>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'main.js')}"></script>
</body>
</html>`;
}

/** Folders the page may load from: its bundle and styles, and the pictures of drawn values (`picturesRoot`). */
export function panelResourceRoots(extensionUri: vscode.Uri, picturesRoot?: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media'), ...(picturesRoot ? [picturesRoot] : [])];
}

/** Where drawn values' pictures are written, a folder per panel (emptied at activation: a crash leaves some). */
export function picturesRootOf(globalStorageUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(globalStorageUri, 'pictures');
}

function createNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
