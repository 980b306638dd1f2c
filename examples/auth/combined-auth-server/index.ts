import { ApiKeyProvider, type ApiKeyEntry } from '../../../src/auth';
import { connectTestClient } from '../../../src/testing';
import type { Credentials } from '../../../src';
import { ExampleOutput, serveUntilInterrupted, type ExampleOptions, type ExampleReport } from '../shared/example';
import { callTool } from '../shared/outcome';
import { useGitHub } from '../shared/providers';
import { createCombinedServer } from './server';

const HOLDERS: Record<string, ApiKeyEntry> = {
  viewer: { userId: 'viewer1', roles: ['viewer'] },
  editor: { userId: 'editor1', roles: ['editor'] },
  admin: { userId: 'admin1', roles: ['admin'] },
};

/** `npm run example -- combined-auth-server` (driven in memory with `connectTestClient`, as a test would). */
export async function runExample({ env = process.env, log = console.log, serve = false }: ExampleOptions = {}): Promise<ExampleReport> {
  const out = new ExampleOutput(log);
  const keyOf = Object.fromEntries(Object.keys(HOLDERS).map((who) => [who, ApiKeyProvider.generateKey(`${who}_`)]));
  // Members of the GitHub organization "acme" are editors here.
  const github = await useGitHub(env, { scopes: ['read:user', 'repo'], roleMapping: { orgs: { acme: ['editor'] } } }, [
    { id: 1001, login: 'octocat', orgs: ['acme'] },
  ]);
  const mcp = createCombinedServer(github.provider, Object.fromEntries(Object.entries(HOLDERS).map(([who, entry]) => [keyOf[who], entry])));
  const close = async () => {
    await mcp.close();
    await github.close();
  };

  if (!github.local || serve) {
    const { url } = await mcp.listen({ transport: 'http', host: '127.0.0.1', port: Number(env.PORT ?? 8080) });
    out.line(`Combined auth example at ${url}; API keys (X-API-Key):`);
    for (const [who, key] of Object.entries(keyOf)) out.line(`  ${who}: ${key}`);
    out.line('or a GitHub token (npx nextmcp login github --scopes read:user,repo,read:org) as "Authorization: Bearer <token>".');
    serveUntilInterrupted(out, close);
    return {};
  }
  const as = async (credentials: Credentials, tool: string, args: Record<string, unknown> = {}) => {
    const { client, close: disconnect } = await connectTestClient(mcp, { credentials });
    try {
      return await callTool(client, tool, args);
    } finally {
      await disconnect();
    }
  };
  try {
    const githubToken = github.local.issueToken('octocat', ['read:user', 'repo', 'read:org']);

    out.step('1. Roles: the viewer may view but not edit');
    const viewerView = out.outcome('viewer → view_content', await as({ api_key: keyOf.viewer }, 'view_content', { content_id: 'a1' }));
    const viewerEdit = out.outcome('viewer → edit_content', await as({ api_key: keyOf.viewer }, 'edit_content', { content_id: 'a1' }));

    out.step('2. Permissions from RBAC: the editor role grants write:posts');
    const editorPost = out.outcome('editor → create_post', await as({ api_key: keyOf.editor }, 'create_post', { title: 'Hello' }));

    out.step('3. A GitHub member of acme is an editor; GitHub scope repo implies the manifest scope repo:read');
    const githubProfile = out.outcome('octocat → get_my_profile', await as({ access_token: githubToken }, 'get_my_profile'));
    const githubRepo = out.outcome('octocat → github_repo_access', await as({ access_token: githubToken }, 'github_repo_access'));

    out.step('4. github_repo_access is pinned to GitHub: an API key is refused with -31001');
    const keyRepo = out.outcome('admin key → github_repo_access', await as({ api_key: keyOf.admin }, 'github_repo_access'));

    out.step('5. The manifest guards dangerous_operation: role admin and permission admin:all (admin holds *)');
    const editorDanger = out.outcome('editor → dangerous_operation', await as({ api_key: keyOf.editor }, 'dangerous_operation'));
    const adminDanger = out.outcome('admin → dangerous_operation', await as({ api_key: keyOf.admin }, 'dangerous_operation'));
    return { viewerView, viewerEdit, editorPost, githubProfile, githubRepo, keyRepo, editorDanger, adminDanger };
  } finally {
    await close();
  }
}
