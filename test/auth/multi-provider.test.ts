import 'reflect-metadata';
import {
  ApiKeyProvider,
  AuthFlowType,
  AuthMetadata,
  AuthRequirement,
  JwtProvider,
  NextMCP,
  RequiresAuth,
  Tool,
  createAuthMiddleware,
  type AuthMetadataJSON,
  type ToolContext,
} from '../../src';
import { connectTestClient } from '../../src/testing';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer';

let corp: TestIssuer;
let partner: TestIssuer;
let corpJwt: JwtProvider;
let partnerJwt: JwtProvider;
const keys = new ApiKeyProvider({ keys: { 'key-robot': { userId: 'robot', scopes: ['ci'] } } });

beforeAll(async () => {
  [corp, partner] = await Promise.all([startOidcIssuer(), startOidcIssuer()]);
  corpJwt = new JwtProvider({ name: 'corp', jwksUri: corp.jwksUri, issuer: corp.url, scopes: ['corp:read'] });
  partnerJwt = new JwtProvider({ name: 'partner', jwksUri: partner.jwksUri, issuer: partner.url });
});
afterAll(() => Promise.all([corp.stop(), partner.stop()]));

class Tools {
  @Tool() whoami(_a: unknown, { auth }: ToolContext) {
    return `${auth!.provider}:${auth!.userId}`;
  }
  @Tool() @RequiresAuth('partner') partnerOnly(_a: unknown, { auth }: ToolContext) {
    return `partner ${auth!.userId}`;
  }
}

function server() {
  const mcp = new NextMCP({ name: 'multi', version: '1', exposeAuthMetadata: true }).register(Tools);
  mcp.use(createAuthMiddleware({ providers: [corpJwt, partnerJwt, keys], requiredScopes: [] }));
  return mcp;
}

async function call(mcp: NextMCP, tool: string, credentials: Record<string, unknown>) {
  const { client, close } = await connectTestClient(mcp, { credentials });
  try {
    return await client.callTool({ name: tool, arguments: {} });
  } finally {
    await close();
  }
}

describe('several providers', () => {
  it('routes a JWT to the provider that trusts its issuer, and says which in AuthContext.provider', async () => {
    const mcp = server();
    expect((await call(mcp, 'whoami', { access_token: await corp.mintToken({ sub: 'c1' }) })).content).toEqual([{ type: 'text', text: 'corp:c1' }]);
    expect((await call(mcp, 'whoami', { access_token: await partner.mintToken({ sub: 'p1' }) })).content).toEqual([{ type: 'text', text: 'partner:p1' }]);
  });

  it('routes an API key to the API-key provider', async () => {
    expect((await call(server(), 'whoami', { api_key: 'key-robot' })).content).toEqual([{ type: 'text', text: 'api-key:robot' }]);
  });

  it('honours an explicit provider hint and refuses a token the hinted provider does not accept', async () => {
    const mcp = server();
    const corpToken = await corp.mintToken({ sub: 'c2' });
    expect((await call(mcp, 'whoami', { access_token: corpToken, provider: 'corp' })).content).toEqual([{ type: 'text', text: 'corp:c2' }]);
    await expect(call(mcp, 'whoami', { access_token: corpToken, provider: 'partner' })).rejects.toMatchObject({
      code: -31001,
      data: { error: 'invalid_token', providers: ['partner'] },
    });
    await expect(call(mcp, 'whoami', { access_token: corpToken, provider: 'nobody' })).rejects.toMatchObject({ code: -31001 });
  });

  it('@RequiresAuth(name) accepts only that provider', async () => {
    const mcp = server();
    await expect(call(mcp, 'partnerOnly', { access_token: await corp.mintToken({}) })).rejects.toMatchObject({
      code: -31001,
      data: { error: 'invalid_token', providers: ['partner'] },
    });
    expect((await call(mcp, 'partnerOnly', { access_token: await partner.mintToken({ sub: 'p9' }) })).content).toEqual([
      { type: 'text', text: 'partner p9' },
    ]);
  });

  it('mcp.authMetadata() lists every provider with its flows, and get_auth_metadata returns it', async () => {
    const mcp = server();
    const metadata = mcp.authMetadata();
    expect(metadata.validate()).toEqual({ valid: true, errors: [] });
    const json = metadata.toJSON();
    expect(json.requirement).toBe('required');
    expect(json.providers).toEqual([
      { name: 'corp', type: 'jwt', flows: ['jwt'], scopes: ['corp:read'], supports_refresh: false, supports_pkce: false },
      { name: 'partner', type: 'jwt', flows: ['jwt'], scopes: [], supports_refresh: false, supports_pkce: false },
      { name: 'api-key', type: 'api-key', flows: ['api-key'], scopes: ['ci'], supports_refresh: false, supports_pkce: false },
    ]);
    const { client, close } = await connectTestClient(mcp);
    const viaTool = await client.callTool({ name: 'get_auth_metadata', arguments: {} });
    await close();
    expect(viaTool.structuredContent).toEqual(JSON.parse(JSON.stringify(json)));
  });
});

describe('AuthMetadata', () => {
  it('builds the seed shape, round-trips through JSON, and validates', () => {
    const metadata = new AuthMetadata({ requirement: AuthRequirement.REQUIRED, supportsMultiUser: true, tokenRefreshEnabled: true });
    metadata.addProvider({
      name: 'google',
      type: 'oauth2',
      flows: [AuthFlowType.OAUTH2_PKCE],
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      scopes: ['openid', 'email', 'profile'],
      supportsRefresh: true,
    });
    metadata.addRequiredScope('profile').addOptionalScope('email').addPermission('files:read').addRole('admin');
    const json: AuthMetadataJSON = metadata.toJSON();
    expect(json).toEqual({
      requirement: 'required',
      providers: [
        {
          name: 'google',
          type: 'oauth2',
          flows: ['oauth2-pkce'],
          authorization_url: 'https://accounts.google.com/o/oauth2/v2/auth',
          token_url: 'https://oauth2.googleapis.com/token',
          scopes: ['openid', 'email', 'profile'],
          supports_refresh: true,
          supports_pkce: false,
        },
      ],
      required_scopes: ['profile'],
      optional_scopes: ['email'],
      permissions: ['files:read'],
      roles: ['admin'],
      supports_multi_user: true,
      token_refresh_enabled: true,
    });
    expect(AuthMetadata.fromJSON(json).toJSON()).toEqual(json);
    expect(metadata.validate().valid).toBe(true);
  });

  it('reports what is wrong', () => {
    const bad = new AuthMetadata({ requirement: AuthRequirement.REQUIRED });
    expect(bad.validate().errors).toEqual(['authentication is required but no provider is listed']);
    bad.addProvider({ name: 'x', type: 'oauth2', flows: [AuthFlowType.OAUTH2_PKCE, 'magic' as AuthFlowType] });
    bad.addRequiredScope('a').addOptionalScope('a');
    expect(bad.validate()).toEqual({
      valid: false,
      errors: [
        'provider "x": unknown flow "magic"',
        'provider "x": the oauth2-pkce flow needs authorizationUrl and tokenUrl',
        'scopes both required and optional: a',
      ],
    });
  });
});
