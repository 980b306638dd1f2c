import type { Logger } from '../../logging/logger';
import type { OAuthProvider } from '../oauth/oauth-provider';
import type { AccessTokens } from './access-tokens';
import type { AuthorizationServerSettings, EndpointName } from './authorization-server-options';
import type { ClientDirectory } from './client-directory';
import type { Grants } from './grants';
import type { AuthorizationRecords } from './records';
import type { SigningKey } from './signing-key';
import type { UpstreamSessions } from './upstream-sessions';

/** Where the authorization server reports what an operator should know (the server's logger); never a token or secret. */
export type AuthorizationServerLogger = Pick<Logger, 'warn' | 'error'>;

/** Everything the endpoints share, settled once the issuer and resource are known. */
export interface AuthorizationServerContext {
  settings: AuthorizationServerSettings;
  upstream: OAuthProvider;
  issuer: string;
  resource: string;
  /** The upstream's redirect URI: our callback on the issuer's origin. */
  callbackUrl: string;
  scopesSupported: readonly string[];
  defaultScopes: readonly string[];
  records: AuthorizationRecords;
  clients: ClientDirectory;
  grants: Grants;
  accessTokens: AccessTokens;
  sessions: UpstreamSessions;
  key: SigningKey;
  logger: AuthorizationServerLogger;
  /** The absolute URL of an endpoint. */
  endpointUrl(name: EndpointName): string;
}

/** The cookie binding a transaction to the browser that started it. */
export const BROWSER_COOKIE = 'nextmcp_as';
