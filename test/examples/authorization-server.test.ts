import { runExample } from '../../examples/authorization-server';
import { connectWithLogin, InMemoryOAuthClient } from '../support/authorization-server';

describe('examples/authorization-server', () => {
  it('without GitHub credentials, runs against the local stand-in and a stock SDK client logs in and calls its tools', async () => {
    const lines: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const example = await runExample({ PORT: '0' }, (line) => lines.push(line));
    try {
      expect(lines.join('\n')).toMatch(/local stand-in for GitHub/);
      expect(lines.join('\n')).toContain(`MCP endpoint: ${example.url.href}`);
      const client = await connectWithLogin(example.url, new InMemoryOAuthClient({ clientName: 'Smoke test' }));
      const whoami = await client.callTool({ name: 'whoami', arguments: {} });
      expect(whoami.structuredContent).toMatchObject({ github: 'octocat', name: 'The Octocat', userId: '583231', scopes: ['notes:read'] });
      expect((await client.callTool({ name: 'list_notes', arguments: {} })).structuredContent).toEqual({ notes: [] });
      await client.close();
    } finally {
      await example.close();
      warn.mockRestore();
    }
  }, 30_000);
});
