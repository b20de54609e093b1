import { defineConfig } from 'vitest/config';

// Three projects: unit (no stack: in process; a test that needs the state's Lua scripts starts its own
// throwaway redis-server, test/support/private-redis.ts), integration (real Kafka, Elasticsearch, Redis),
// e2e (whole pipeline).
// `npm test` (cli/test.ts) runs unit first, makes sure the stack is up, then integration and e2e.

// A CommonJS package's exports as Node's own ESM loader sees them (pm2 runs the code under plain
// Node with tsx): a named import Node cannot find (kafkajs's error classes) is undefined here too,
// not filled in by vitest's interop.
const deps = { interopDefault: false };

export default defineConfig({
  test: {
    // Integration and e2e files share one real stack: run files one at a time.
    fileParallelism: false,
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', deps },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          deps,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          deps,
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
