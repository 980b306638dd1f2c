/**
 * What a user's browser does with the server-hosted login (`mcp.enableOAuthLogin()`), scripted for
 * the local stand-ins, which approve at once: `GET /oauth/authorize?provider=…` (a cookie binds the
 * login to this browser), the provider's authorize page redirecting back to `/oauth/callback`, and
 * the page that shows the token to paste into an MCP client.
 */
export async function signInThroughServer(base: string, provider: string): Promise<string> {
  const start = await fetch(`${base}/oauth/authorize?provider=${provider}`, { redirect: 'manual' });
  const cookie = start.headers.get('set-cookie')?.split(';')[0];
  const atProvider = start.headers.get('location');
  if (start.status !== 302 || !cookie || !atProvider) throw new Error(`the login did not start (HTTP ${start.status})`);
  const callback = (await fetch(atProvider, { redirect: 'manual' })).headers.get('location');
  if (!callback) throw new Error('the provider did not send the browser back');
  const page = await (await fetch(callback, { headers: { cookie } })).text();
  const token = /<code>([^<]+)<\/code>/.exec(page)?.[1];
  if (!token) throw new Error('the success page shows no token');
  return token;
}
