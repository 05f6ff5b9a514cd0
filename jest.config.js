// Two projects: small tests (pure code, fakes allowed) and medium tests (real Kafka and
// Postgres, started once per run in globalSetup). `npm test` runs both.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  testEnvironment: 'node',
  rootDir: __dirname,
};

module.exports = {
  // Medium tests start real service processes and wait on Kafka; small ones finish far sooner.
  testTimeout: 120000,
  // A kafkajs client that a fault test leaves in a reconnect backoff (its broker was killed on
  // purpose) must not hold the run, CI or the machine lock, open after every test has reported.
  forceExit: true,
  projects: [
    { ...common, displayName: 'small', testMatch: ['<rootDir>/{apps,libs,deploy}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'medium',
      testMatch: ['<rootDir>/test/medium/**/*.test.ts'],
      globalSetup: '<rootDir>/test/medium/global-setup.ts',
      globalTeardown: '<rootDir>/test/medium/global-teardown.ts',
    },
  ],
};
