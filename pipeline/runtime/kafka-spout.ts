import { InvariantError } from './errors.js';
import type { KafkaSpoutOptions } from './kafka-spout-options.js';
import type { Spout, SpoutOutputCollector, TopologyContext } from './types.js';

/** A spout reading a Kafka topic in a consumer group (implementation in progress). */
export class KafkaSpout implements Spout {
  constructor(readonly options: KafkaSpoutOptions) {}

  async open(_context: TopologyContext, _collector: SpoutOutputCollector): Promise<void> {
    throw new InvariantError('KafkaSpout is not implemented yet');
  }

  async nextTuple(): Promise<void> {}

  ack(_messageId: string): void {}

  fail(_messageId: string, _reason: unknown): void {}

  async close(): Promise<void> {}
}
