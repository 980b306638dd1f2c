export * from './auth-context';
export * from './errors';
export * from './provider';
export * from './token-hash';
