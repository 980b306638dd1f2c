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
  transformIgnorePatterns: ['/node_modules/(?!(jose|oauth2-mock-server|is-plain-obj)/)'],
  testTimeout: 20000,
};
export default config;
