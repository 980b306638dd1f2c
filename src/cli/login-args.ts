import { parseArgs } from 'node:util';

/** What `nextmcp login` was asked to do. */
export interface LoginArgs {
  provider: string;
  scopes?: string[];
  clientId?: string;
  clientSecret?: string;
  /** Write the token here (mode 0600, atomically) instead of printing it. */
  save?: string;
  /** Loopback port for the redirect listener (default: a free one). */
  port?: number;
  /** How long to wait for the browser, in seconds (default 300). */
  timeoutSeconds: number;
}

export const LOGIN_USAGE = `Usage: nextmcp login <github|google> [options]

Opens a loopback listener on 127.0.0.1, prints the authorization URL, waits for the
browser to come back, exchanges the code (PKCE) and prints or saves the token.

Options:
  --scopes <a,b,…>       scopes to request (comma or space separated)
  --client-id <id>       OAuth client id      (or NEXTMCP_<PROVIDER>_CLIENT_ID)
  --client-secret <s>    OAuth client secret  (or NEXTMCP_<PROVIDER>_CLIENT_SECRET; prefer the variable:
                         command lines are visible to other users)
  --save <file>          write the token to <file> (mode 0600) instead of printing it
  --port <n>             loopback port (default: any free port)
  --timeout <seconds>    how long to wait for the browser (default 300)

Endpoints can be overridden with NEXTMCP_GITHUB_AUTHORIZATION_URL, NEXTMCP_GITHUB_TOKEN_URL,
NEXTMCP_GITHUB_API_BASE_URL, NEXTMCP_GOOGLE_AUTHORIZATION_URL, NEXTMCP_GOOGLE_TOKEN_URL,
NEXTMCP_GOOGLE_USERINFO_URL, NEXTMCP_GOOGLE_TOKENINFO_URL and NEXTMCP_GOOGLE_JWKS_URI.
`;

/** A command line that cannot be run; the message says why. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses the arguments after `login`. */
export function parseLoginArgs(argv: string[]): LoginArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        scopes: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        save: { type: 'string' },
        port: { type: 'string' },
        timeout: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('Name exactly one provider: github or google');
  return {
    provider: positionals[0],
    scopes: values.scopes?.split(/[\s,]+/).filter((s) => s !== ''),
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    save: values.save,
    port: values.port === undefined ? undefined : integerIn(values.port, '--port', 1, 65_535),
    timeoutSeconds: values.timeout === undefined ? 300 : integerIn(values.timeout, '--timeout', 1, 86_400),
  };
}

function integerIn(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  }
  return value;
}
