/**
 * Layering rules, checked by `npm test` (`npm run lint:layers`):
 * - the runtime (pipeline/runtime) stands alone: it imports nothing of the application;
 * - outside the runtime, only its public API is imported: pipeline/runtime/index.ts, and the test
 *   harness pipeline/runtime/testing/index.ts from tests and benchmarks;
 * - production code never imports tests.
 */
module.exports = {
  forbidden: [
    {
      name: 'runtime-stands-alone',
      comment: 'pipeline/runtime is reusable without the Bitcoin app: it imports only itself and packages.',
      severity: 'error',
      from: { path: '^pipeline/runtime/' },
      to: {
        pathNot: ['^pipeline/runtime/', 'node_modules', '^node:'],
        dependencyTypesNot: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
      },
    },
    {
      name: 'runtime-through-its-index',
      comment: 'Import the runtime through pipeline/runtime/index.ts (its public API), never a file inside it.',
      severity: 'error',
      // The runtime's own tests (test/*/runtime) test its internals.
      from: { pathNot: ['^pipeline/runtime/', '^test/[a-z]+/runtime/'] },
      to: { path: '^pipeline/runtime/', pathNot: ['^pipeline/runtime/index\\.ts$', '^pipeline/runtime/testing/index\\.ts$'] },
    },
    {
      name: 'runtime-harness-only-in-tests',
      comment: 'The local-mode harness (pipeline/runtime/testing) is for tests and benchmarks only.',
      severity: 'error',
      from: { pathNot: ['^pipeline/runtime/', '^test/', '^bench/'] },
      to: { path: '^pipeline/runtime/testing/' },
    },
    {
      name: 'no-test-imports',
      comment: 'Nothing outside test/ imports test code.',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '^\\.run/', '^\\.cache/', '^data/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs'],
    },
  },
};
