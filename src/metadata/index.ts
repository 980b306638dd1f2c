export * from './access-policy';
export * from './targets';
export { scanClass } from './scanner';
