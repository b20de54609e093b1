import { describe, expect, it } from 'vitest';
import { parseImportOptions } from '../../../kibana/import-options.js';
import { authorizationHeader, importUrl } from '../../../kibana/import-saved-objects.js';
import { ConfigError } from '../../../pipeline/runtime/index.js';

const DEFAULT = 'kibana/bitcoin-analyst.ndjson';

describe('parseImportOptions', () => {
  it('takes a URL alone, with the default file and timeout', () => {
    expect(parseImportOptions({ url: 'http://127.0.0.1:5601' }, DEFAULT)).toEqual({ url: 'http://127.0.0.1:5601', file: DEFAULT, timeoutMs: 30_000 });
  });

  it('takes an API key or a user and password', () => {
    expect(parseImportOptions({ url: 'https://k.example', 'api-key': 'abc==' }, DEFAULT).auth).toEqual({ apiKey: 'abc==' });
    expect(parseImportOptions({ url: 'https://k.example', user: 'elastic', password: 'pw' }, DEFAULT).auth).toEqual({ username: 'elastic', password: 'pw' });
  });

  const bad: { name: string; values: Record<string, string>; path: string }[] = [
    { name: 'no URL', values: {}, path: '--url' },
    { name: 'a URL without scheme', values: { url: 'localhost:5601' }, path: '--url' },
    { name: 'a non-http URL', values: { url: 'ftp://k' }, path: '--url' },
    { name: 'both credentials', values: { url: 'http://k', 'api-key': 'a', user: 'u', password: 'p' }, path: '--api-key' },
    { name: 'a user without password', values: { url: 'http://k', user: 'u' }, path: '--user' },
    { name: 'a file that is not .ndjson', values: { url: 'http://k', file: 'x.json' }, path: '--file' },
    { name: 'a bad space id', values: { url: 'http://k', space: 'My Space' }, path: '--space' },
    { name: 'a bad timeout', values: { url: 'http://k', timeout: '5' }, path: '--timeout' },
  ];
  it.each(bad)('rejects $name', ({ values, path }) => {
    try {
      parseImportOptions(values, DEFAULT);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.path)).toContain(path);
    }
  });
});

describe('importUrl and authorizationHeader', () => {
  it('builds the import path under a base path and a space', () => {
    expect(importUrl('http://h:5601')).toBe('http://h:5601/api/saved_objects/_import?overwrite=true');
    expect(importUrl('https://h/kibana/', 'ops')).toBe('https://h/kibana/s/ops/api/saved_objects/_import?overwrite=true');
  });

  it('encodes API keys and basic credentials', () => {
    expect(authorizationHeader({ apiKey: 'k1' })).toBe('ApiKey k1');
    expect(authorizationHeader({ username: 'u', password: 'p:w' })).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`);
  });
});
