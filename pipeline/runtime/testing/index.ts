/** Test harness of the runtime (local mode); for tests only. */
export { LocalCluster } from './local-cluster.js';
export type { LocalClusterOptions } from './local-cluster.js';
export { FakeClock } from './fake-clock.js';
export { FeederSpout } from './feeder-spout.js';
export type { FeederSpoutOptions } from './feeder-spout.js';
export { AckTracker } from './ack-tracker.js';
export { keyedSumTopology, sampleSinkKeys, SampleRecordSchema } from './sample/keyed-sum-topology.js';
export type { KeyedSumOptions, SampleRecord } from './sample/keyed-sum-topology.js';
/** The runtime's Redis pieces alone, for benchmarks: the acker's Lua scripts and the BullMQ transport. */
export { RedisAcker } from '../redis-acker.js';
export { BullmqTransport } from '../bullmq-transport.js';
export { TupleBatchSchema } from '../wire-tuple.js';
export type { WireTuple } from '../wire-tuple.js';
