import { GitHubOAuthProvider, GoogleOAuthProvider, type GitHubOAuthProviderOptions, type GoogleOAuthProviderOptions } from '../../../src/auth';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubUser } from '../../../test/support/fake-github';
import { startFakeGoogle, type FakeGoogle, type FakeGoogleUser } from '../../../test/support/fake-google';

/**
 * GitHub for an example: the real one when `GITHUB_CLIENT_ID` and `GITHUB_CLIENT_SECRET` are set
 * (an OAuth app registered at https://github.com/settings/developers), else a local stand-in on
 * 127.0.0.1 (`test/support/fake-github.ts`) that signs in `local.authorizeAs` without a browser.
 */
export interface ExampleGitHub {
  provider: GitHubOAuthProvider;
  /** The local stand-in, when no real credentials were given. */
  local?: FakeGitHub;
  close(): Promise<void>;
}

export async function useGitHub(
  env: NodeJS.ProcessEnv,
  options: Omit<GitHubOAuthProviderOptions, 'clientId' | 'clientSecret' | 'endpoints'>,
  users?: FakeGitHubUser[],
): Promise<ExampleGitHub> {
  if (env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET) {
    const provider = new GitHubOAuthProvider({ ...options, clientId: env.GITHUB_CLIENT_ID, clientSecret: env.GITHUB_CLIENT_SECRET });
    return { provider, close: async () => undefined };
  }
  const local = await startFakeGitHub({ users: users ?? [{ id: 1001, login: 'octocat', name: 'The Octocat' }], expiringTokens: true });
  const provider = new GitHubOAuthProvider({ ...options, clientId: local.clientId, clientSecret: local.clientSecret, endpoints: local.endpoints });
  return { provider, local, close: () => local.stop() };
}

/** Google for an example: real with `GOOGLE_CLIENT_ID` and `GOOGLE_CLIENT_SECRET`, else a local stand-in. */
export interface ExampleGoogle {
  provider: GoogleOAuthProvider;
  local?: FakeGoogle;
  close(): Promise<void>;
}

export async function useGoogle(
  env: NodeJS.ProcessEnv,
  options: Omit<GoogleOAuthProviderOptions, 'clientId' | 'clientSecret' | 'endpoints'>,
  users?: FakeGoogleUser[],
): Promise<ExampleGoogle> {
  if (env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET) {
    const provider = new GoogleOAuthProvider({ ...options, clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET });
    return { provider, close: async () => undefined };
  }
  const local = await startFakeGoogle({ users: users ?? [{ sub: '110169484474386276334', email: 'alice@example.com', name: 'Alice' }] });
  const provider = new GoogleOAuthProvider({ ...options, clientId: local.clientId, clientSecret: local.clientSecret, endpoints: local.endpoints });
  return { provider, local, close: () => local.stop() };
}
