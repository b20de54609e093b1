import { describe, expect, it } from 'vitest';
import { mappingUpdate } from '../../pipeline/setup/mapping-update.js';

const template = {
  dynamic: 'strict',
  properties: {
    '@timestamp': { type: 'date' },
    txid: { type: 'keyword', index: false },
    block_hash: { type: 'keyword' },
    price_eur: { type: 'double' },
  },
};

describe('mappingUpdate', () => {
  it('sends every field of an index that matches the template, and the mapping-level parameters', () => {
    const existing = {
      '@timestamp': { type: 'date' },
      txid: { type: 'keyword', index: false },
      block_hash: { type: 'keyword' },
      price_eur: { type: 'double' },
    };
    expect(mappingUpdate(template, existing)).toEqual({ mappings: template, kept: [] });
  });

  it('adds the fields an index lacks', () => {
    const update = mappingUpdate(template, { '@timestamp': { type: 'date' }, txid: { type: 'keyword', index: false } });
    expect(update.mappings.properties).toEqual(template.properties);
    expect(update.kept).toEqual([]);
  });

  it('keeps a field of the same type whose other parameters changed (Elasticsearch cannot update them) and reports it', () => {
    const existing = { '@timestamp': { type: 'date' }, txid: { type: 'keyword' }, block_hash: { type: 'keyword' }, price_eur: { type: 'double' } };
    const update = mappingUpdate(template, existing);
    expect(update.kept).toEqual(['txid']);
    expect(update.mappings).toEqual({
      dynamic: 'strict',
      properties: { '@timestamp': { type: 'date' }, block_hash: { type: 'keyword' }, price_eur: { type: 'double' } },
    });
  });

  it('sends a field whose type changed as the template has it, so that Elasticsearch refuses it', () => {
    const update = mappingUpdate(template, { price_eur: { type: 'long' } });
    expect(update.kept).toEqual([]);
    expect((update.mappings.properties as Record<string, unknown>).price_eur).toEqual({ type: 'double' });
  });
});
