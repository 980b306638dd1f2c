/** The small HTML page shown in the browser at the end of a login. */
export interface LoginPageContent {
  /** The page title and heading. */
  title: string;
  /** The text under it. */
  message: string;
  /** Shown as a copyable block (e.g. the access token for an MCP client's configuration). */
  code?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A self-contained page (no scripts, no external resources); every value is HTML-escaped. */
export function renderLoginPage(content: LoginPageContent): string {
  const title = escapeHtml(content.title);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}pre{white-space:pre-wrap;word-break:break-all;background:#f4f4f4;padding:.75rem}</style>
</head>
<body><h1>${title}</h1><p>${escapeHtml(content.message)}</p>${content.code === undefined ? '' : `<pre><code>${escapeHtml(content.code)}</code></pre>`}</body>
</html>
`;
}
