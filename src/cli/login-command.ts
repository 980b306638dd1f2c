import { writeFileAtomic } from '../session/atomic-file';
import type { OAuthLoginResult } from '../auth/oauth/oauth-login-flow';
import { createCliProvider } from './cli-provider';
import { LOGIN_USAGE, parseLoginArgs, UsageError } from './login-args';
import { runLoopbackLogin } from './loopback-login';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** Exit codes of `nextmcp login`. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/**
 * `nextmcp login <provider>`: the authorization URL and progress go to stderr; the token goes to
 * stdout as JSON, or to `--save <file>` (mode 0600, written atomically).
 */
export async function runLoginCommand(argv: string[], io: CliIO): Promise<number> {
  try {
    const args = parseLoginArgs(argv);
    const result = await runLoopbackLogin({
      port: args.port,
      timeoutMs: args.timeoutSeconds * 1000,
      createProvider: (redirectUri) => createCliProvider(args, redirectUri, io.env),
      onAuthorizationUrl: (url) => {
        io.stderr.write(`Open this URL in your browser to log in with ${args.provider}:\n\n  ${url}\n\nWaiting for the browser…\n`);
      },
    });
    const saved = JSON.stringify(tokenFile(result), null, 2) + '\n';
    const who = `${result.authContext.username ?? result.authContext.userId} (${result.provider.name})`;
    if (args.save) {
      await writeFileAtomic(args.save, saved);
      io.stderr.write(`Logged in as ${who}. Token saved to ${args.save} (mode 0600).\n`);
    } else {
      io.stderr.write(`Logged in as ${who}.\n`);
      io.stdout.write(saved);
    }
    return EXIT.OK;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message}\n\n${LOGIN_USAGE}`);
      return EXIT.USAGE;
    }
    // Our errors name the provider, status and error code, never a token.
    io.stderr.write(`Login failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.FAILED;
  }
}

/** What is printed or saved: who logged in, the granted scopes and the token response (wire spelling). */
function tokenFile({ provider, token, authContext }: OAuthLoginResult): Record<string, unknown> {
  return {
    provider: provider.name,
    user_id: authContext.userId,
    username: authContext.username,
    scopes: [...authContext.scopes],
    ...(token.expires_in !== undefined ? { expires_at: Math.floor(Date.now() / 1000) + token.expires_in } : {}),
    token,
  };
}
