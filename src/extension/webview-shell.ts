// The HTML shell of LayerLens webviews, as a pure function (no 'vscode' import) so the same page and
// Content-Security-Policy are used in VS Code and in the Chromium tests: scripts run only with this
// page's nonce, styles, fonts and the worker script come only from the extension's own files, nothing
// from the network, and nothing from the model (model strings arrive as message data and are
// rendered as text).
export interface ShellOptions {
  /** The webview's resource origin (vscode.Webview.cspSource). */
  cspSource: string;
  nonce: string;
  /** URL of a file of dist/webview. */
  resource: (file: string) => string;
  entry: 'graph' | 'compare';
  title: string;
  /** Extra scripts (same nonce) run before the entry; tests use it for the host they stand in for. */
  preludeScripts?: string[];
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // No inline styles: lit (vscode-elements) adopts constructed stylesheets, and our own code sets
    // styles through the CSSOM, which CSP does not restrict.
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
    // The layout worker is started from a blob of its script, fetched from the extension's files.
    'worker-src blob:',
    `connect-src ${cspSource}`,
  ].join('; ');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function shellHtml(o: ShellOptions): string {
  const scripts = [...(o.preludeScripts ?? []), o.resource(`${o.entry}.js`)].map((src) => `<script nonce="${o.nonce}" src="${esc(src)}"></script>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(o.cspSource, o.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(o.title)}</title>
<link rel="stylesheet" href="${esc(o.resource('codicon.css'))}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${esc(o.resource('webview.css'))}">
</head>
<body data-layout-worker="${esc(o.resource('layout-worker.js'))}">
<div id="app" role="application" aria-label="${esc(o.title)}"></div>
${scripts}
</body>
</html>`;
}
