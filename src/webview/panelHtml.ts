import * as vscode from 'vscode';

/**
 * The result panel's page: only our own script and styles (nonce'd script, no
 * inline code, no remote resources), so whatever a dispatch's data contains can
 * never run there.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, dispatchId: string, selectedNodeId: number | undefined): string {
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
<title>Covalent dispatch</title>
</head>
<body data-dispatch-id="${escapeAttribute(dispatchId)}" data-selected="${selectedNodeId ?? ''}">
<div id="app" role="application" aria-label="Covalent dispatch result"></div>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'main.js')}"></script>
</body>
</html>`;
}

/** Folders the page may load from. */
export function panelResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

function createNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
