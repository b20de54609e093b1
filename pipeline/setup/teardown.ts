import type { Client } from '@elastic/elasticsearch';
import type { Admin } from 'kafkajs';
import type { Names } from '../contracts/names.js';
import { deleteIndices } from './indices.js';
import { deleteTopics, namespaceTopics } from './topics.js';

/** Removes everything setup created for a namespace: its topics, indices and index templates (tests call it in afterAll). */
export async function teardown(admin: Admin, client: Client, names: Names): Promise<void> {
  await deleteTopics(admin, await namespaceTopics(admin, names));
  await deleteIndices(client, names);
}
