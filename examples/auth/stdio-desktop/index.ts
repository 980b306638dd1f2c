import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ExampleOutput, type ExampleOptions, type ExampleReport } from '../shared/example';
import { callTool, type Outcome } from '../shared/outcome';
import { useGitHub } from '../shared/providers';

const ROOT = resolve(__dirname, '../../..');
const SERVER = resolve(__dirname, 'server.ts');

/** The entry a desktop client's config needs (Claude Desktop: claude_desktop_config.json). */
export function desktopConfig(token: string): object {
  return {
    mcpServers: {
      notes: {
        command: 'npx',
        args: ['--prefix', ROOT, 'ts-node', '--transpile-only', SERVER],
        env: { NOTES_TOKEN: token },
      },
    },
  };
}

/** Starts the server as a desktop client does (a child process on stdio), makes `calls`, stops it. */
async function asDesktopClient(env: Record<string, string>, calls: [tool: string, args?: Record<string, unknown>][]): Promise<Outcome[]> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['-r', 'ts-node/register/transpile-only', SERVER],
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'desktop-client', version: '1.0.0' });
  await client.connect(transport);
  try {
    const outcomes: Outcome[] = [];
    for (const [tool, args] of calls) outcomes.push(await callTool(client, tool, args));
    return outcomes;
  } finally {
    await client.close();
  }
}

/** `npm run example -- stdio-desktop` */
export async function runExample({ env = process.env, log = console.log }: ExampleOptions = {}): Promise<ExampleReport> {
  const out = new ExampleOutput(log);
  const github = await useGitHub(env, {});
  if (!github.local) {
    out.line('Get a token:  npx nextmcp login github --scopes read:user,gist --save ~/.notes-token.json');
    out.line('then add this to your desktop client config (NOTES_TOKEN = token.access_token from that file):\n');
    out.line(JSON.stringify(desktopConfig('<access_token>'), null, 2));
    return { config: { ok: true, result: 'printed' } };
  }
  try {
    const token = github.local.issueToken('octocat', ['read:user']);
    const standIn = { GITHUB_API_BASE_URL: github.local.url };
    out.step('1. The desktop client config (NOTES_TOKEN is the token from `npx nextmcp login github`)');
    out.line(JSON.stringify(desktopConfig('gho_…'), null, 2));

    out.step('2. The client starts the server with NOTES_TOKEN set: calls carry it without sending it');
    const [whoami, saveNote] = await asDesktopClient({ ...standIn, NOTES_TOKEN: token }, [['whoami'], ['save_note', { text: 'hi' }]]);
    out.outcome('whoami', whoami);
    out.outcome('save_note', saveNote);

    out.step('3. Started without NOTES_TOKEN (a config missing its env): every call is refused');
    const [missing] = await asDesktopClient(standIn, [['whoami']]);
    out.outcome('whoami', missing);
    return { whoami, saveNote, missing };
  } finally {
    await github.close();
  }
}
