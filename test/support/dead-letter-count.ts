import type { Admin } from 'kafkajs';
import { createKafka } from '../../pipeline/clients/kafka.js';
import type { Config } from '../../pipeline/config/config.js';
import type { Names } from '../../pipeline/contracts/names.js';

/** Records in the namespace's dead-letter topics (end offset minus start offset, summed). */
export async function deadLetterRecords(admin: Admin, n: Names): Promise<number> {
  let count = 0;
  for (const topic of Object.values(n.deadLetter)) {
    for (const p of await admin.fetchTopicOffsets(topic)) count += Number(p.high) - Number(p.low);
  }
  return count;
}

/** `deadLetterRecords` through an admin client of its own. */
export async function deadLettersOfRun(run: { config: Config; names: Names }): Promise<number> {
  const admin = createKafka(run.config, { clientIdSuffix: 'e2e-dead-letters' }).admin();
  await admin.connect();
  try {
    return await deadLetterRecords(admin, run.names);
  } finally {
    await admin.disconnect();
  }
}
