import { escapeHtml } from '../oauth/login-page';

/** What the consent page shows and must post back. Every string is raw: escape what you print. */
export interface ConsentContext {
  /** The MCP client asking: its id and the name it registered (not verified by anyone). */
  client: {
    /** The `client_id` (for a client ID metadata document, its URL). */
    id: string;
    /** The name it registered (`client_name`, or a pre-registered `clientName`), if any. */
    name?: string;
  };
  /** Where the code will be sent. */
  redirectUri: string;
  /** The host of `redirectUri`, shown so the user sees who receives the code. */
  redirectHost: string;
  /** The redirect goes to this machine (a local app); the page warns about it. */
  redirectIsLoopback: boolean;
  /** The MCP scopes the client asks for. */
  scopes: string[];
  /** The upstream user who logged in. */
  user: {
    /** The upstream user id (GitHub: the numeric id). */
    id: string;
    /** The upstream login, when the upstream gives one. */
    username?: string;
    /** The upstream provider's name, e.g. `'github'`. */
    provider: string;
  };
  /** The form's `action` (method POST). */
  action: string;
  /** Hidden inputs the form must carry unchanged (transaction and CSRF value). */
  fields: Record<string, string>;
}

/** The default consent page: one POST form, no scripts, every value escaped. */
export function renderConsentPage(ctx: ConsentContext): string {
  const who = escapeHtml(ctx.user.username ?? ctx.user.id);
  const client = escapeHtml(ctx.client.name ?? ctx.client.id);
  const scopes = ctx.scopes.length > 0 ? ctx.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('') : '<li>no scopes</li>';
  const hidden = Object.entries(ctx.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const loopbackWarning = ctx.redirectIsLoopback
    ? '<p class="warn">The answer goes to an application on this computer. Approve only if you just started this login yourself.</p>'
    : '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Allow access?</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}.warn{background:#fff4d6;padding:.5rem}button{font-size:1rem;margin-right:.5rem;padding:.4rem 1rem}</style>
</head>
<body><h1>Allow <span id="client">${client}</span> to use this server as ${who}?</h1>
<p>Signed in with ${escapeHtml(ctx.user.provider)} as <strong>${who}</strong>.</p>
<p>The client will receive access at <strong id="redirect-host">${escapeHtml(ctx.redirectHost)}</strong>.</p>${loopbackWarning}
<p>It asks for:</p><ul id="scopes">${scopes}</ul>
<form method="post" action="${escapeHtml(ctx.action)}">${hidden}<button type="submit" name="decision" value="approve">Allow</button><button type="submit" name="decision" value="deny">Deny</button></form>
</body>
</html>
`;
}
