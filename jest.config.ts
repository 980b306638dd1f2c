import type { Config } from 'jest';

// jose, oauth2-mock-server and is-plain-obj ship ESM only; jest runs CommonJS, so they are transpiled.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
    '^.+\\.m?js$': ['ts-jest', { tsconfig: 'tsconfig.jest-js.json' }],
  },
  // Examples import the package by name, as users do; in tests that is the source tree.
  moduleNameMapper: {
    '^nextmcp$': '<rootDir>/src/index.ts',
    '^nextmcp/(auth|session|protocol|testing)$': '<rootDir>/src/$1/index.ts',
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|oauth2-mock-server|is-plain-obj)/)'],
  testTimeout: 20000,
};
export default config;
