export * from './auth-requirement';
