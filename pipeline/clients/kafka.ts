import { Kafka, logLevel as KafkaLogLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Config } from '../config/config.js';
import type { Logger } from '../runtime/index.js';

/** Options of `createKafka`. */
export interface CreateKafkaOptions {
  /** Suffix of the client id (default none): `${config.kafka.clientId}-${clientIdSuffix}`. */
  clientIdSuffix?: string;
  /** Where kafkajs logs go (default: kafkajs's console logger at ERROR). */
  log?: Logger;
  /**
   * Retries of each kafkajs request (default 10, backing off from 300 ms to 30 s: enough to ride
   * out a broker crash and the leader election after it; kafkajs's own default is 5).
   */
  retries?: number;
}

const LEVEL: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/** Builds the kafkajs options for the configured cluster (TLS and SASL included). */
export function kafkaClientConfig(config: Config, options: CreateKafkaOptions = {}): KafkaConfig {
  const { kafka } = config;
  const log = options.log;
  return {
    clientId: options.clientIdSuffix ? `${kafka.clientId}-${options.clientIdSuffix}` : kafka.clientId,
    brokers: kafka.brokers,
    ssl: kafka.ssl,
    ...(kafka.sasl ? { sasl: { ...kafka.sasl } as KafkaConfig['sasl'] } : {}),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { retries: options.retries ?? 10, initialRetryTime: 300, maxRetryTime: 30_000 },
    logLevel: KafkaLogLevel.ERROR,
    ...(log
      ? {
          logCreator:
            () =>
            ({ namespace, level, log: entry }: LogEntry) => {
              const { message, ...fields } = entry;
              log[LEVEL[level] ?? 'info']({ kafkajs: namespace, detail: message, ...fields }, 'kafkajs');
            },
          logLevel: KafkaLogLevel.WARN,
        }
      : {}),
  };
}

/** Creates a kafkajs client for the configured cluster. */
export function createKafka(config: Config, options: CreateKafkaOptions = {}): Kafka {
  return new Kafka(kafkaClientConfig(config, options));
}
