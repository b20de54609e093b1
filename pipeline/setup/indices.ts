import type { Client } from '@elastic/elasticsearch';
import { allIndices, INDEX_KEYS, type Names } from '../contracts/names.js';
import { namespacedTemplates, shardSettings, templateName, TEMPLATES_DIR, type IndexSettings } from './index-templates.js';
import { type FieldMapping, mappingUpdate } from './mapping-update.js';

type PutSettings = Parameters<Client['indices']['putSettings']>[0];

/** What `setupIndices` did. */
export interface IndexSetupResult {
  templates: string[];
  created: string[];
  existing: string[];
  /** Per existing index, the fields that keep an earlier mapping until the index is created again (`mappingUpdate`). */
  kept: Record<string, string[]>;
  /**
   * Per existing index whose primary shards differ from the configured ones: both counts. Primary
   * shards are fixed when an index is created, so it keeps its own until a rebuild creates it again.
   */
  shards: Record<string, { current: number; configured: number }>;
}

/**
 * Installs (or updates) the composable index templates of the namespace and creates the
 * indices, empty, where they are missing; an existing index gets the template's mappings (new
 * fields are added; a changed field type fails loudly; a field whose other parameters changed keeps
 * its earlier mapping, listed in `kept`, until a rebuild creates the index again), refresh interval (Elasticsearch's
 * default, search-idle, when the template sets none), merge policy type (both are dynamic) and the
 * configured replicas (which a rebuild that did not finish may have left at 0). Safe to run again
 * at any time.
 */
export async function setupIndices(client: Client, names: Names, settings: IndexSettings, options: { templatesDir?: string } = {}): Promise<IndexSetupResult> {
  const templates = namespacedTemplates(names, settings, options.templatesDir ?? TEMPLATES_DIR);
  const result: IndexSetupResult = { templates: [], created: [], existing: [], kept: {}, shards: {} };
  for (const [key, body] of templates) {
    const name = templateName(names, key);
    await client.indices.putIndexTemplate({ name, ...body } as Parameters<Client['indices']['putIndexTemplate']>[0]);
    result.templates.push(name);
  }
  for (const key of INDEX_KEYS) {
    const index = names.indices[key];
    if (await client.indices.exists({ index })) {
      const template = templates.get(key)?.template;
      if (template?.mappings !== undefined) {
        const current = await client.indices.getMapping({ index });
        const existing = (current[index]?.mappings.properties ?? {}) as Record<string, FieldMapping>;
        const update = mappingUpdate(template.mappings, existing);
        if (update.kept.length > 0) result.kept[index] = update.kept;
        await client.indices.putMapping({ index, ...update.mappings } as Parameters<Client['indices']['putMapping']>[0]);
      }
      const indexSettings = template?.settings?.index;
      const configured = shardSettings(key, settings).shards;
      const current = Number(await settingOf(client, index, 'index.number_of_shards'));
      if (current !== configured) result.shards[index] = { current, configured };
      // null resets a setting to Elasticsearch's default (the client's types do not say so).
      const refresh = indexSettings?.refresh_interval ?? null;
      const mergePolicy = (indexSettings?.merge as { policy?: { type?: string } } | undefined)?.policy?.type ?? null;
      await client.indices.putSettings({
        index,
        settings: { index: { refresh_interval: refresh, number_of_replicas: settings.replicas, 'merge.policy.type': mergePolicy } },
      } as PutSettings);
      result.existing.push(index);
      continue;
    }
    try {
      await client.indices.create({ index });
      result.created.push(index);
    } catch (err) {
      // Another process created it between the check and the create.
      if (errorType(err) !== 'resource_already_exists_exception') throw err;
      result.existing.push(index);
    }
  }
  return result;
}

/** Sets the replicas of every index of the namespace. */
export async function setReplicas(client: Client, names: Names, replicas: number): Promise<void> {
  const index = allIndices(names);
  await client.indices.putSettings({ index, settings: { index: { number_of_replicas: replicas } } });
}

/**
 * Whether every shard copy of the namespace's indices is assigned and started (health green),
 * waiting up to `timeout` (an Elasticsearch time value such as `30s`) for it.
 */
export async function indicesGreen(client: Client, names: Names, timeout: string): Promise<boolean> {
  const index = allIndices(names);
  const health = await client.cluster.health({ index, wait_for_status: 'green', timeout }, { ignore: [408] });
  return !health.timed_out && health.status === 'green';
}

/** Every index of the namespace that exists (`${ns}-*`). */
export async function namespaceIndices(client: Client, names: Names): Promise<string[]> {
  const rows = await client.cat.indices({ index: `${names.namespace}-*`, format: 'json', h: 'index', expand_wildcards: 'all' });
  return rows
    .map((r) => r.index ?? '')
    .filter((i) => i.length > 0)
    .sort();
}

/**
 * Documents per index as a search sees them (`_count`): the indices refresh only while they are
 * searched (no `refresh_interval` in the templates), so `_cat/indices` shows an idle index's count
 * as of its last refresh; a count makes it refresh first. An index whose count fails is left out.
 */
export async function searchableCounts(es: Client, indices: readonly string[]): Promise<Map<string, number>> {
  const counts = await Promise.all(
    indices.map((index) =>
      es.count({ index }).then(
        (r) => [index, r.count] as const,
        () => null,
      ),
    ),
  );
  return new Map(counts.filter((c) => c !== null));
}

/** Deletes every index and index template of the namespace. */
export async function deleteIndices(client: Client, names: Names): Promise<void> {
  const indices = await namespaceIndices(client, names);
  if (indices.length > 0) await client.indices.delete({ index: indices, ignore_unavailable: true });
  for (const key of INDEX_KEYS) {
    await client.indices.deleteIndexTemplate({ name: templateName(names, key) }, { ignore: [404] });
  }
}

async function settingOf(client: Client, index: string, name: string): Promise<unknown> {
  const settings = await client.indices.getSettings({ index, name, flat_settings: true });
  return settings[index]?.settings?.[name];
}

function errorType(err: unknown): string | undefined {
  const body = (err as { meta?: { body?: { error?: { type?: string } } } }).meta?.body;
  return body?.error?.type;
}
