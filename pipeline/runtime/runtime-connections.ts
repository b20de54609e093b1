import type { ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * How the runtime reaches its services, injected by the application (which owns endpoints,
 * credentials and TLS). Each call makes a new connection that the runtime closes itself.
 */
export interface RuntimeConnections {
  /** A Redis client for commands and Lua scripts; commands should retry through short outages. */
  redis(connectionName: string): Redis;
  /** Connection options for BullMQ, which makes its own connections (blocking commands). */
  bullmq(connectionName: string): ConnectionOptions;
  /** A Kafka client for a spout task's consumer and dead-letter producer. */
  kafka(clientIdSuffix: string, log: Logger): Kafka;
}
