/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 30000,
  // e2e suites start servers on random ports; two workers keep a 2-core machine responsive
  maxWorkers: 2,
};
