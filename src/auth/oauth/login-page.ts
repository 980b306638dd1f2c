/** The small HTML page shown in the browser at the end of a login. */
export interface LoginPageContent {
  title: string;
  message: string;
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
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
</head>
<body><h1>${title}</h1><p>${escapeHtml(content.message)}</p></body>
</html>
`;
}
