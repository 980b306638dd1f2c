/** How a client obtains credentials for a provider. */
export const AuthFlowType = {
  /** OAuth 2.x authorization code with PKCE: a user signs in. */
  OAUTH2_PKCE: 'oauth2-pkce',
  /** OAuth 2.x client credentials: a service gets its own token. */
  OAUTH2_CLIENT_CREDENTIALS: 'oauth2-client-credentials',
  /** A static API key (`X-API-Key`, `api_key`). */
  API_KEY: 'api-key',
  /** A JWT obtained elsewhere. */
  JWT: 'jwt',
  /** HTTP Basic credentials. */
  BASIC: 'basic',
  /** Anything else. */
  CUSTOM: 'custom',
} as const;
export type AuthFlowType = (typeof AuthFlowType)[keyof typeof AuthFlowType];
