export * from './auth-context';
export * from './errors';
export * from './provider';
export * from './token-hash';
export * from './oauth';
export * from './providers/github-oauth-provider';
export * from './providers/google-oauth-provider';
