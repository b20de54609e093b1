import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.js';
import { INDEX_KEYS, INDEX_SUFFIX, type IndexKey, type Names } from '../contracts/names.js';

/** The namespace the files in `es-templates/` are written for. */
export const TEMPLATE_NAMESPACE = 'btc';

/** Directory of the index templates shipped with the repository. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../es-templates/', import.meta.url));

/** A composable index template as stored in `es-templates/*.json` (only the parts setup touches are typed). */
export interface IndexTemplate {
  index_patterns: string[];
  priority?: number;
  _meta?: Record<string, unknown>;
  template: {
    settings?: { index?: Record<string, unknown> } & Record<string, unknown>;
    mappings?: Record<string, unknown>;
  } & Record<string, unknown>;
  [key: string]: unknown;
}

/** Index settings taken from config. */
export type IndexSettings = Pick<Config['elasticsearch'], 'shards' | 'smallIndexShards' | 'replicas'>;

/** Primary shards and replicas of one index. */
export interface ShardSettings {
  shards: number;
  replicas: number;
}

/**
 * The indices that grow with every transaction (one document each, never deleted). Every other
 * index stays small: a block every ten minutes, a price a minute, a document an hour or a pool a
 * day, a few hundred MB after years, where Elastic advises one primary shard.
 */
export const LARGE_INDEX_KEYS: ReadonlySet<IndexKey> = new Set<IndexKey>(['transactions', 'pendingTransactions']);

/** The primary shards and replicas index `key` is created with. */
export function shardSettings(key: IndexKey, settings: IndexSettings): ShardSettings {
  return { shards: LARGE_INDEX_KEYS.has(key) ? settings.shards : settings.smallIndexShards, replicas: settings.replicas };
}

/** Reads the template of one index from `es-templates/<suffix>.json`. */
export function readIndexTemplate(key: IndexKey, dir: string = TEMPLATES_DIR): IndexTemplate {
  return JSON.parse(readFileSync(`${dir}/${INDEX_SUFFIX[key]}.json`, 'utf8')) as IndexTemplate;
}

/**
 * Rewrites a template for a namespace: index patterns lose the `btc-` prefix for `${ns}-`, and
 * shards and replicas come from `settings`. The input is not modified.
 */
export function namespaceTemplate(template: IndexTemplate, namespace: string, settings: ShardSettings): IndexTemplate {
  const prefix = `${TEMPLATE_NAMESPACE}-`;
  const copy = structuredClone(template);
  copy.index_patterns = template.index_patterns.map((p) => (p.startsWith(prefix) ? `${namespace}-${p.slice(prefix.length)}` : p));
  const tpl = copy.template;
  tpl.settings = {
    ...tpl.settings,
    index: { ...tpl.settings?.index, number_of_shards: settings.shards, number_of_replicas: settings.replicas },
  };
  copy._meta = { ...copy._meta, namespace };
  return copy;
}

/** The template name of index `key` under `names` (the same as the index name). */
export const templateName = (names: Names, key: IndexKey): string => names.indices[key];

/** Every index template of the namespace, ready to install. */
export function namespacedTemplates(names: Names, settings: IndexSettings, dir: string = TEMPLATES_DIR): Map<IndexKey, IndexTemplate> {
  return new Map(INDEX_KEYS.map((key) => [key, namespaceTemplate(readIndexTemplate(key, dir), names.namespace, shardSettings(key, settings))]));
}
