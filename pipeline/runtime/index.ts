/** Public API of the runtime; everything outside `pipeline/runtime` imports from here. */
export { TopologyBuilder, BoltDeclarer } from './topology-builder.js';
export type { SpoutOptions, BoltOptions, GroupingOptions } from './topology-builder.js';
export type { Topology, SpoutDefinition, BoltDefinition, BoltKind, Grouping, Subscription } from './topology-definition.js';
export { TICK_STREAM } from './types.js';
export { defineStream } from './stream.js';
export type {
  Stream,
  Values,
  Origin,
  Tuple,
  EmitOptions,
  TopologyContext,
  SpoutOutputCollector,
  Spout,
  OutputCollector,
  Bolt,
  BasicOutputCollector,
  BasicBolt,
  BatchOutputCollector,
  BatchBolt,
} from './types.js';
export { PipelineError, RetriableError, NonRetriableError, SchemaError, ConfigError, InvariantError } from './errors.js';
export type { Problem } from './errors.js';
export { TreeAbortedError, TupleFailedError, TupleTimeoutError, isRetriable } from './tuple-failure.js';
export type { FailureInfo } from './tuple-failure.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
export { DeadLetterSchema } from './dead-letter.js';
export type { DeadLetter } from './dead-letter.js';
export { KafkaSpout } from './kafka-spout.js';
export { KAFKA_RECORD_BATCH_OUTPUT, KAFKA_RECORD_BATCH_STREAM, KAFKA_RECORD_OUTPUT, KAFKA_RECORD_STREAM, kafkaOutput } from './kafka-record-stream.js';
export type { BatchRecord, KafkaRecordBatchValues, KafkaRecordValues, KafkaSpoutOutput } from './kafka-record-stream.js';
export { KAFKA_SPOUT_SESSION_TIMEOUT_MS, kafkaSpoutOptions } from './kafka-spout-options.js';
export type { KafkaSpoutOptions } from './kafka-spout-options.js';
export { backoffDelayMs } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { runWorker } from './run-worker.js';
export { RuntimeOptionsSchema, runtimeOptions } from './runtime-options.js';
export type { RuntimeOptions } from './runtime-options.js';
export type { RuntimeConnections } from './runtime-connections.js';
export type { RunWorkerOptions, WorkerHandle } from './run-worker.js';
export { runtimeKeys } from './keys.js';
export { LuaScript } from './lua-script.js';
export type { RuntimeKeys } from './keys.js';
export { aggregateMetrics, fetchClusterMetrics, readClusterMetrics } from './metrics-aggregate.js';
export type { ClusterMetrics, ComponentTotals } from './metrics-aggregate.js';
export { CpuProfiler, MAX_PROFILE_SECONDS, ProfilerBusyError } from './cpu-profiler.js';
export type { CpuProfile, CpuProfileNode } from './cpu-profiler.js';
export { fetchWorkerCpuProfiles, readWorkerCpuProfiles } from './worker-profiles.js';
export type { WorkerCpuProfile, WorkerCpuProfiles } from './worker-profiles.js';
export type { WorkerMetricsSnapshot, TaskMetricsSnapshot, LatencySnapshot, TaskMetrics } from './metrics.js';
export { idempotencyKey } from './idempotency.js';
