export * from './middleware';
export * from './request-context';
export * from './tool-context';
export { extractCredentials, liftAuthMember, CREDENTIALS_KEY } from './credentials';
export { validateArguments, type Violation } from './validation';
export { toCallToolResult } from './results';
