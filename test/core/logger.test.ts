import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { AuthContext, AuthRequirement, NextMCP, Tool, createAuthMiddleware, type AuthProvider, type AuthResult, type Credentials } from '../../src';
import { FileSessionStore, MemorySessionStore, SessionData } from '../../src/session';
import { connectTestClient } from '../../src/testing';
import { redactFields } from '../../src/logging/redacting-logger';
import { eventually, recordingLogger } from '../session/store-contract';
import { settle } from '../support/event-recorder';

/*
 * DESIGN §9: `new NextMCP({ logger })` takes a pino-shaped logger, `console` wrapped by default;
 * everything the package logs goes through it, redacted. Session stores log through their own
 * `logger` option, else through the server whose middleware uses them, else the console.
 */

class AnyoneProvider implements AuthProvider {
  readonly name = 'anyone';
  readonly audience = 'any';
  async authenticate(credentials: Credentials): Promise<AuthResult> {
    return { success: true, context: new AuthContext({ userId: String(credentials.access_token), provider: this.name }) };
  }
}

class Tools {
  @Tool()
  ping() {
    return 'pong';
  }
}

/** A store whose cleanup always fails, as a store whose backend is down would. */
class FailingCleanupStore extends MemorySessionStore {
  override async cleanupExpired(): Promise<number> {
    throw new Error('backend down');
  }
}

const anyone = new AnyoneProvider();

function server(options: { logger?: ReturnType<typeof recordingLogger>; sessionStore?: MemorySessionStore } = {}) {
  return new NextMCP({ name: 'logs', version: '1', logger: options.logger })
    .register(Tools)
    .use(createAuthMiddleware({ provider: anyone, sessionStore: options.sessionStore }));
}

describe('logging', () => {
  it('goes to the console by default, one [nextmcp] line', async () => {
    const mcp = server();
    mcp.on('auth:allowed', () => {
      throw new Error('listener broke');
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { client, close } = await connectTestClient(mcp, { credentials: { access_token: 'ann' } });
      await client.callTool({ name: 'ping', arguments: {} });
      await close();
      await settle();
      expect(warn).toHaveBeenCalledWith('[nextmcp] an auth event listener failed {"event":"auth:allowed","error":"Error: listener broke"}');
    } finally {
      warn.mockRestore();
      await mcp.close();
    }
  });

  it("makes the server's logger the logger of the stores its middleware uses, unless they have their own", async () => {
    const serverLogger = recordingLogger();
    const storeLogger = recordingLogger();
    const adopted = new FailingCleanupStore();
    const own = new FailingCleanupStore({ logger: storeLogger });
    const mcp = server({ logger: serverLogger, sessionStore: adopted });
    mcp.use(createAuthMiddleware({ provider: anyone, sessionStore: own, requirement: AuthRequirement.OPTIONAL }));
    mcp.authMetadata(); // starts the server
    adopted.startCleanup(10);
    own.startCleanup(10);
    try {
      await eventually(async () => serverLogger.lines.length > 0 && storeLogger.lines.length > 0);
      expect(serverLogger.lines[0]).toEqual({ level: 'warn', fields: { error: 'Error: backend down' }, message: 'session cleanup failed' });
      expect(storeLogger.lines[0]).toEqual({ level: 'warn', fields: { error: 'Error: backend down' }, message: 'session cleanup failed' });
      expect(serverLogger.lines.every((line) => line.message === 'session cleanup failed')).toBe(true);
    } finally {
      await mcp.close();
    }
  });

  it('says why the session store failed, which the client is only told is unavailable', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'nextmcp-wrong-key-'));
    try {
      const written = new FileSessionStore(directory, { encryptionKey: randomBytes(32) });
      await written.save(new SessionData({ userId: 'ann', provider: 'anyone', accessToken: 'ann' }));
      const logger = recordingLogger();
      const oauthLike = Object.assign(new AnyoneProvider(), { refreshAccessToken: async () => ({ access_token: 'x', token_type: 'bearer' }), generateAuthorizationUrl: async () => ({ url: '', state: '', verifier: '' }) });
      const mcp = new NextMCP({ name: 'wrong-key', version: '1', logger })
        .register(Tools)
        .use(createAuthMiddleware({ provider: oauthLike, sessionStore: new FileSessionStore(directory, { encryptionKey: randomBytes(32) }) }));
      const { client, close } = await connectTestClient(mcp, { credentials: { access_token: 'ann' } });
      await expect(client.callTool({ name: 'ping', arguments: {} })).rejects.toThrow('MCP error -31001: The session store is unavailable');
      await close();
      await mcp.close();
      expect(logger.lines).toContainEqual({
        level: 'error',
        fields: { provider: 'anyone', error: 'SessionDecryptionError: Session data was encrypted with a different key than the configured encryptionKey' },
        message: 'the session store failed',
      });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('takes secrets out of fields and messages before any logger sees them', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect(
      redactFields({
        access_token: 'gho_secret',
        nested: { headers: { authorization: 'Bearer gho_secret', Cookie: 'nextmcp_as=1' }, clientSecret: 's3cret', code: 'abc' },
        list: [{ api_key: 'k' }, `a token ${jwt} inside text`, 'Bearer gho_inline and Basic dXNlcjpwYXNz'],
        userId: '1001',
        provider: 'github',
        error: new Error(`failed with ${jwt}`),
      }),
    ).toEqual({
      access_token: '[redacted]',
      nested: { headers: { authorization: '[redacted]', Cookie: '[redacted]' }, clientSecret: '[redacted]', code: '[redacted]' },
      list: [{ api_key: '[redacted]' }, 'a token [redacted] inside text', 'Bearer [redacted] and Basic [redacted]'],
      userId: '1001',
      provider: 'github',
      error: 'Error: failed with [redacted]',
    });

    const logger = recordingLogger();
    const mcp = server({ logger });
    mcp.on('auth:allowed', () => {
      throw new Error(`upstream said Bearer ${jwt}`);
    });
    const { client, close } = await connectTestClient(mcp, { credentials: { access_token: 'ann' } });
    await client.callTool({ name: 'ping', arguments: {} });
    await close();
    await settle();
    await mcp.close();
    expect(logger.lines.map((l) => l.fields.error)).toEqual(['Error: upstream said Bearer [redacted]']);
  });

  it('a logger that throws changes nothing for the request', async () => {
    const broken = { debug: boom, info: boom, warn: boom, error: boom };
    const mcp = new NextMCP({ name: 'broken-logger', version: '1', logger: broken }).register(Tools);
    mcp.on('auth:allowed', () => {
      throw new Error('listener broke');
    });
    mcp.use(createAuthMiddleware({ provider: new AnyoneProvider() }));
    const { client, close } = await connectTestClient(mcp, { credentials: { access_token: 'ann' } });
    await expect(client.callTool({ name: 'ping', arguments: {} })).resolves.toMatchObject({ content: [{ type: 'text', text: 'pong' }] });
    await close();
    await settle();
    await mcp.close();
  });

  it('is the only way the package writes to the console', () => {
    const root = join(__dirname, '../../src');
    const offenders: string[] = [];
    for (const file of sourceFiles(root)) {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      if (/\bconsole\.(log|info|warn|error|debug|trace)\b/.test(code)) offenders.push(relative(root, file));
    }
    expect(offenders).toEqual(['logging/logger.ts']);
  });
});

function boom(): never {
  throw new Error('logger down');
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}
