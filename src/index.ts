import 'reflect-metadata';

export * from './server';
export * from './decorators';
export * from './metadata';
export * from './pipeline';
export * from './di';
export * from './auth';
export * from './session';
export * from './protocol';
export { JSONSchema } from 'class-validator-jsonschema';
