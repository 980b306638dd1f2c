export * from './auth-requirement';
export * from './auth-flow-type';
export * from './auth-metadata';
export * from './auth-meta-key';
