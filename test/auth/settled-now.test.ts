import 'reflect-metadata';
import { ApiKeyProvider, NextMCP, Tool, createAuthMiddleware, type AuthProvider, type AuthResult, type Credentials, type ToolContext } from '../../src';
import { AuthContext } from '../../src/auth/auth-context';
import { connectTestClient } from '../../src/testing';

/*
 * Providers that know their answer without waiting (ApiKeyProvider with a key map) settle a call
 * through `authenticateNow()`; everything else through `authenticate()`. Both must give the same
 * caller, in the same provider order, and the same refusals.
 */

class Tools {
  @Tool()
  whoami(_args: unknown, { auth }: ToolContext) {
    return `${auth!.provider}:${auth!.userId}`;
  }
}

const KEY_A = ApiKeyProvider.generateKey('a_');
const KEY_B = ApiKeyProvider.generateKey('b_');
const SHARED = ApiKeyProvider.generateKey('s_');

afterEach(() => jest.restoreAllMocks());

/** An API-key provider that only answers by waiting (as one backed by a database would). */
class WaitingKeys implements AuthProvider {
  readonly name = 'waiting';
  readonly credentialKind = 'api_key' as const;
  constructor(private readonly behaviour: 'answers' | 'throws') {}

  authenticateNow(): AuthResult | undefined {
    if (this.behaviour === 'throws') throw new Error(`lookup failed for ${KEY_B}`);
    return undefined;
  }

  async authenticate(credentials: Credentials): Promise<AuthResult> {
    if (this.behaviour === 'throws') throw new Error(`lookup failed for ${String(credentials.api_key)}`);
    return credentials.api_key === KEY_B
      ? { success: true, context: new AuthContext({ userId: 'from-waiting', provider: this.name }) }
      : { success: false, reason: 'invalid_token', error: 'unknown key' };
  }
}

async function callWith(providers: AuthProvider[], apiKey: string): Promise<string> {
  const mcp = new NextMCP({ name: 'now', version: '1' }).register(Tools).use(createAuthMiddleware({ providers }));
  const { client, close } = await connectTestClient(mcp, { credentials: { api_key: apiKey } });
  try {
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    return (result.content as { text: string }[])[0].text;
  } finally {
    await close();
    await mcp.close();
  }
}

describe('credentials settled without waiting', () => {
  const first = new ApiKeyProvider({ name: 'first', keys: { [KEY_A]: { userId: 'a' }, [SHARED]: { userId: 'shared-first' } } });
  const second = new ApiKeyProvider({ name: 'second', keys: { [KEY_B]: { userId: 'b' }, [SHARED]: { userId: 'shared-second' } } });

  it('asks the providers in order: the first that knows the key answers, without calling authenticate()', async () => {
    const waited = jest.spyOn(ApiKeyProvider.prototype, 'authenticate');
    expect(await callWith([first, second], KEY_A)).toBe('first:a');
    expect(await callWith([first, second], KEY_B)).toBe('second:b');
    expect(await callWith([first, second], SHARED)).toBe('first:shared-first');
    expect(await callWith([second, first], SHARED)).toBe('second:shared-second');
    expect(waited).not.toHaveBeenCalled();
  });

  it('waits for a provider that cannot answer at once, keeping the order', async () => {
    expect(await callWith([first, new WaitingKeys('answers')], KEY_B)).toBe('waiting:from-waiting');
    expect(await callWith([new WaitingKeys('answers'), second], KEY_B)).toBe('waiting:from-waiting');
    expect(await callWith([new WaitingKeys('answers'), second], SHARED)).toBe('second:shared-second');
  });

  it('refuses an unknown key as invalid_token, and a failing provider as provider_unavailable, without the key', async () => {
    const refused = await callWith([first, second], ApiKeyProvider.generateKey('x_')).catch((e: { code: number; data: { error: string } }) => e);
    expect(refused).toMatchObject({ code: -31001, data: { error: 'invalid_token' } });
    const failed = await callWith([new WaitingKeys('throws')], KEY_B).catch((e: { code: number; message: string; data: { error: string } }) => e);
    expect(failed).toMatchObject({ code: -31001, data: { error: 'provider_unavailable' } });
    expect(JSON.stringify(failed)).not.toContain(KEY_B);
  });
});
