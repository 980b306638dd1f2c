// `npm run build && npx ts-node --transpile-only examples/authorization-server/index.ts`
import { GitHubOAuthProvider } from 'nextmcp/auth';
import { startFakeGitHub } from '../../test/support/fake-github';
import { startNotesServer } from './notes-server';

/** With GitHub credentials in the environment it talks to GitHub; without, to a local stand-in. */
export async function runExample(env: NodeJS.ProcessEnv = process.env, print: (line: string) => void = console.log) {
  const port = Number(env.PORT ?? 8080);
  let github: GitHubOAuthProvider;
  let stopGitHub = async (): Promise<void> => undefined;
  if (env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET) {
    github = new GitHubOAuthProvider({ clientId: env.GITHUB_CLIENT_ID, clientSecret: env.GITHUB_CLIENT_SECRET, scopes: ['read:user'] });
  } else {
    const fake = await startFakeGitHub({ users: [{ id: 583231, login: 'octocat', name: 'The Octocat' }] });
    github = new GitHubOAuthProvider({ clientId: fake.clientId, clientSecret: fake.clientSecret, endpoints: fake.endpoints, scopes: ['read:user'] });
    stopGitHub = () => fake.stop();
    print(`No GITHUB_CLIENT_ID/GITHUB_CLIENT_SECRET: logging in against a local stand-in for GitHub at ${fake.url} (signed in as octocat).`);
  }
  const { mcp, url } = await startNotesServer({ github, port, publicUrl: env.PUBLIC_URL, signingKey: env.AS_SIGNING_JWK });
  print(`MCP endpoint: ${url.href}`);
  print(`Authorization server: ${url.origin}/.well-known/oauth-authorization-server`);
  print(`GitHub OAuth app callback URL: ${url.origin}/oauth/callback`);
  return {
    url,
    close: async () => {
      await mcp.close();
      await stopGitHub();
    },
  };
}

if (require.main === module) {
  runExample().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
