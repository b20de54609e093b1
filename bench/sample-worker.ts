// A worker process of the sample topology, for integration tests and the runtime benchmark (spawned, and SIGKILLed at will).
// argv[2]: JSON { topology, topic, deadLetterTopic, sinkPrefix, workerId, failRate?, parseParallelism?, sumParallelism? }.
import { runtimeConnections } from '../pipeline/clients/runtime-connections.js';
import { loadConfig } from '../pipeline/config/config.js';
import { runWorker } from '../pipeline/runtime/index.js';
import { keyedSumTopology } from '../pipeline/runtime/testing/index.js';

const args = JSON.parse(process.argv[2] ?? '{}') as {
  topology: string;
  topic: string;
  deadLetterTopic: string;
  sinkPrefix: string;
  workerId: string;
  failRate?: number;
  parseParallelism?: number;
  sumParallelism?: number;
};
const config = loadConfig();
const connections = runtimeConnections(config);
const topology = keyedSumTopology({ runtime: config.runtime, connections, ...args });
const handle = await runWorker(topology, { runtime: config.runtime, connections, workerId: args.workerId });
process.stdout.write(`${JSON.stringify({ ready: true, workerId: handle.workerId, metricsPort: handle.metricsPort })}\n`);
