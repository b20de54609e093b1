import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importSavedObjects } from '../../../kibana/import-saved-objects.js';
import { KibanaImportError } from '../../../kibana/kibana-import-error.js';
import { parseSavedObjectsNdjson } from '../../../kibana/saved-object.js';
import { ANALYST_NDJSON } from '../../../kibana/write-analyst-ndjson.js';

const run = promisify(execFile);
const ndjson = readFileSync(ANALYST_NDJSON, 'utf8');
const objects = parseSavedObjectsNdjson(ndjson);

interface Recorded {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type Responder = (request: Recorded, file: { name: string; text: string }) => { status: number; body: unknown };

/** A stand-in for Kibana's import endpoint that records requests and keeps the imported objects like Kibana does. */
class FakeKibana {
  readonly requests: Recorded[] = [];
  readonly stored = new Map<string, unknown>();
  responder: Responder = (request, file) => this.importLikeKibana(request, file);
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const recorded: Recorded = {
            method: req.method ?? '',
            url: new URL(req.url ?? '/', 'http://fake'),
            headers: req.headers,
            body: Buffer.concat(chunks),
          };
          this.requests.push(recorded);
          let file = { name: '', text: '' };
          try {
            const form = await new Response(recorded.body, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
            const part = form.get('file');
            if (part instanceof File) file = { name: part.name, text: await part.text() };
          } catch {
            // not multipart: the responder sees an empty file
          }
          const { status, body } = this.responder(recorded, file);
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(typeof body === 'string' ? body : JSON.stringify(body));
        })();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Forgets requests and objects, and answers like Kibana again. */
  reset(): void {
    this.requests.length = 0;
    this.stored.clear();
    this.responder = (request, file) => this.importLikeKibana(request, file);
  }

  /** Kibana's rule: an existing id is a conflict unless overwrite=true. */
  importLikeKibana(request: Recorded, file: { text: string }): { status: number; body: unknown } {
    const overwrite = request.url.searchParams.get('overwrite') === 'true';
    const lines = file.text.split('\n').filter((l) => l.trim() !== '');
    const successResults: unknown[] = [];
    const errors: unknown[] = [];
    for (const line of lines) {
      const o = JSON.parse(line) as { type: string; id: string; attributes: { title?: string } };
      const key = `${o.type}/${o.id}`;
      if (this.stored.has(key) && !overwrite) {
        errors.push({ type: o.type, id: o.id, meta: { title: o.attributes.title }, error: { type: 'conflict' } });
      } else {
        this.stored.set(key, o);
        successResults.push({ type: o.type, id: o.id, meta: { title: o.attributes.title, icon: 'x' }, ...(overwrite ? { overwrite: true } : {}) });
      }
    }
    return { status: 200, body: { success: errors.length === 0, successCount: successResults.length, successResults, ...(errors.length ? { errors } : {}) } };
  }
}

const kibana = new FakeKibana();
let url = '';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'cli/kibana-import.ts', ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  url = await kibana.start();
});
afterAll(async () => {
  await kibana.stop();
});
beforeEach(() => {
  kibana.reset();
});

describe('importSavedObjects against a recording HTTP server', () => {
  it('sends one multipart POST that Kibana accepts and reports every object', async () => {
    const report = await importSavedObjects({ url, auth: { apiKey: 'a2V5OnNlY3JldA==' }, ndjson, fileName: 'bitcoin-analyst.ndjson' });

    expect(kibana.requests).toHaveLength(1);
    const request = kibana.requests[0] as Recorded;
    expect(request.method).toBe('POST');
    expect(request.url.pathname).toBe('/api/saved_objects/_import');
    expect(request.url.searchParams.get('overwrite')).toBe('true');
    expect(request.headers['kbn-xsrf']).toBe('true');
    expect(request.headers.authorization).toBe('ApiKey a2V5OnNlY3JldA==');
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Response(request.body, { headers: { 'content-type': String(request.headers['content-type']) } }).formData();
    expect([...form.keys()]).toEqual(['file']);
    const file = form.get('file') as File;
    expect(file.name).toBe('bitcoin-analyst.ndjson');
    expect(await file.text()).toBe(ndjson);

    expect(report.success).toBe(true);
    expect(report.objects.map((o) => `${o.type}/${o.id}`)).toEqual(objects.map((o) => `${o.type}/${o.id}`));
    expect(report.objects.every((o) => o.ok)).toBe(true);
    expect(kibana.stored.size).toBe(objects.length);
  });

  it('sends the import to a space under a base path', async () => {
    await importSavedObjects({ url: `${url}/kibana/`, space: 'analysts', ndjson, fileName: 'x.ndjson' });
    expect(kibana.requests[0]?.url.pathname).toBe('/kibana/s/analysts/api/saved_objects/_import');
    expect(kibana.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('reports per-object errors and an HTTP error status', async () => {
    const victim = objects.find((o) => o.type === 'visualization');
    kibana.responder = () => ({
      status: 200,
      body: {
        success: false,
        successCount: objects.length - 1,
        successResults: objects.filter((o) => o !== victim).map((o) => ({ type: o.type, id: o.id, meta: {} })),
        errors: [{ type: victim?.type, id: victim?.id, meta: {}, error: { type: 'unknown', message: 'boom', statusCode: 400 } }],
      },
    });
    const report = await importSavedObjects({ url, ndjson, fileName: 'x.ndjson' });
    expect(report.success).toBe(false);
    expect(report.objects.filter((o) => !o.ok)).toEqual([
      { type: 'visualization', id: victim?.id, title: victim?.attributes.title, ok: false, error: 'unknown: boom: status 400' },
    ]);

    kibana.responder = () => ({ status: 503, body: { statusCode: 503, error: 'Service Unavailable', message: 'Kibana server is not ready yet' } });
    const failure = await importSavedObjects({ url, ndjson, fileName: 'x.ndjson' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(KibanaImportError);
    expect((failure as KibanaImportError).status).toBe(503);
    expect((failure as KibanaImportError).retriable).toBe(true);
    expect((failure as KibanaImportError).responseExcerpt).toContain('not ready');
  });
});

describe('npm run kibana:import (the command)', () => {
  it('imports with basic auth, prints one line per object, and a re-import is harmless', async () => {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const { code, stdout, stderr } = await cli(['--url', url, '--user', 'analyst', '--password', 's3cret', '--file', ANALYST_NDJSON]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(objects.length + 1);
      objects.forEach((o, i) => {
        expect(lines[i]).toContain(o.type);
        expect(lines[i]).toContain(o.id);
        expect(lines[i]).toContain(JSON.stringify(o.attributes.title));
        expect(lines[i]).toMatch(/ ok$/);
      });
      expect(lines.at(-1)).toBe(`imported ${objects.length} saved objects into ${url}`);
    }
    expect(kibana.requests).toHaveLength(2);
    expect(kibana.requests[1]?.headers.authorization).toBe(`Basic ${Buffer.from('analyst:s3cret').toString('base64')}`);
    expect(kibana.stored.size).toBe(objects.length);
  });

  it('exits non-zero naming the objects Kibana rejected', async () => {
    const victim = objects.find((o) => o.type === 'dashboard');
    kibana.responder = () => ({
      status: 200,
      body: {
        success: false,
        successCount: 0,
        errors: [{ type: victim?.type, id: victim?.id, meta: {}, error: { type: 'missing_references', references: [{ type: 'visualization', id: 'gone' }] } }],
      },
    });
    const { code, stdout, stderr } = await cli(['--url', url]);
    expect(code).toBe(1);
    expect(stdout).toMatch(new RegExp(`dashboard +${victim?.id}.*ERROR missing_references: missing: visualization/gone`));
    expect(stdout).toMatch(/ERROR not reported by kibana/);
    expect(stderr).toContain(`kibana:import failed: ${objects.length} of ${objects.length} saved objects were not imported`);
  });

  it('exits non-zero with the HTTP status on an authentication error', async () => {
    kibana.responder = () => ({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'unable to authenticate' } });
    const { code, stderr } = await cli(['--url', url, '--api-key', 'wrong']);
    expect(code).toBe(1);
    expect(stderr).toContain('kibana answered HTTP 401 (check --api-key or --user/--password)');
    expect(stderr).not.toContain('wrong');
  });

  it('exits non-zero on bad options and on an unreachable Kibana without sending anything', async () => {
    const bad = await cli(['--url', url, '--api-key', 'k', '--user', 'u', '--password', 'p']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('give either --api-key or --user/--password');
    const missing = await cli(['--url', url, '--file', 'kibana/does-not-exist.ndjson']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read the file');
    expect(kibana.requests).toHaveLength(0);

    const closed = new FakeKibana();
    const closedUrl = await closed.start();
    await closed.stop();
    const down = await cli(['--url', closedUrl]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('kibana did not answer');
    expect(down.stderr).toContain('ECONNREFUSED');
  });
});
