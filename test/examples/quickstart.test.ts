import { runQuickstart } from '../../examples/quickstart/quickstart';

describe('npm start (examples/quickstart)', () => {
  it('shows a refused call, a 403 step-up, an allowed call and a refused role, against the embedded issuer', async () => {
    const lines: string[] = [];
    const report = await runQuickstart((line) => lines.push(line));
    expect(report).toEqual({
      anonymousRefused: true,
      whoami: { user: 'demo-client', scopes: ['notes:read'] },
      addNote: { count: 1 },
      purgeRefused: true,
    });
    const output = lines.join('\n');
    expect(output).toMatch(/POST \/mcp → 401 {2}WWW-Authenticate: Bearer scope="notes:read", resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"/);
    expect(output).toMatch(/POST \/mcp → 403 {2}WWW-Authenticate: Bearer error="insufficient_scope".*scope="notes:read notes:write"/);
    // Refusals are printed whole: the JSON-RPC code, message and data, never cut off.
    expect(output).toContain(
      'refused: JSON-RPC -31001 "Authentication required", data {"error":"authentication_required","providers":["jwt"],"required_scopes":["notes:read"]}',
    );
    expect(output).toContain(
      'refused: JSON-RPC -31003 "Forbidden: requires one of the roles admin", data {"error":"forbidden","tool":"purge","required_scopes":["notes:read"],' +
        '"missing_scopes":[],"required_roles":["admin"],"required_permissions":[]}',
    );
    expect(output).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT is ever printed
  }, 30_000);
});
