/** How a client obtains credentials for a provider. */
export const AuthFlowType = {
  OAUTH2_PKCE: 'oauth2-pkce',
  OAUTH2_CLIENT_CREDENTIALS: 'oauth2-client-credentials',
  API_KEY: 'api-key',
  JWT: 'jwt',
  BASIC: 'basic',
  CUSTOM: 'custom',
} as const;
export type AuthFlowType = (typeof AuthFlowType)[keyof typeof AuthFlowType];
