// Nest 12 packages are ESM only, so Jest runs in its native ESM mode
// (node --experimental-vm-modules) and ts-jest emits ESM.
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }];
// content-disposition 3 is ESM but is require()d by @fastify/static; Node 20 can do that,
// Jest's module loader cannot, so that one package is compiled to CommonJS for tests.
const cjsFromEsm = ['ts-jest', { useESM: false, tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10', isolatedModules: true } }];
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest, '/node_modules/content-disposition/.+\\.js$': cjsFromEsm },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
export default {
  // A global option: inside a project entry Jest ignores it and keeps its 5 s default.
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/setup/quiet-logs.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.js',
      globalTeardown: '<rootDir>/test/setup/global-teardown.js',
    },
  ],
};
