import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../../pipeline/clients/redis.js';
import { loadConfig } from '../../../pipeline/config/config.js';
import { names } from '../../../pipeline/contracts/names.js';
import { ProducerPolls } from '../../../ops/demo/producer-polls.js';
import { createLogger, systemClock } from '../../../pipeline/runtime/index.js';
import { startProducer } from '../../../producers/producer-app.js';
import { waitFor } from '../../support/wait-for.js';

// A Redis that demands a password, used on db 7: every connection the producers make (their own
// client and BullMQ's) must carry both, or the keys end up elsewhere or the commands are refused.
const PASSWORD = 'pw-with:odd/chars';
const DB = 7;
const namespace = `cred${Math.random().toString(36).slice(2, 8)}`;
let server: ChildProcess;
let port = 0;
let dir = '';
let admin: Redis;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  port = await freePort();
  dir = mkdtempSync(join(tmpdir(), 'redis-cred-'));
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', PASSWORD, '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  admin = new Redis({ port, host: '127.0.0.1', password: PASSWORD, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 200 });
  admin.on('error', () => undefined); // refused until the server listens; waitFor retries
  await waitFor(async () => (await admin.ping().catch(() => null)) === 'PONG', { timeoutMs: 20_000, what: 'test redis up' });
});

afterAll(async () => {
  admin?.disconnect();
  server?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Keys of `db` in the password-protected server. */
async function keysOf(db: number): Promise<string[]> {
  await admin.select(db);
  return admin.keys('*');
}

describe('Redis credentials from REDIS_URL (password with reserved characters, non-zero db)', () => {
  const configFor = () =>
    loadConfig({
      ...process.env,
      NAMESPACE: namespace,
      REDIS_URL: `redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/${DB}`,
      // Feeds that answer nothing: the producer stays up and its scheduler still registers.
      KRAKEN_URL: 'http://127.0.0.1:9',
      COINGECKO_URL: 'http://127.0.0.1:9',
    });

  it('the client factory honours them', async () => {
    const c = createRedis(configFor());
    try {
      await c.set(`${namespace}:probe`, '1');
    } finally {
      c.disconnect();
    }
    expect(await keysOf(DB)).toContain(`${namespace}:probe`);
    expect(await keysOf(0)).toEqual([]);
  });

  it("the producers' pollers (BullMQ) and cursors honour them", async () => {
    const cfg = configFor();
    const producer = await startProducer('prices', cfg, createLogger({ name: 'cred-test', level: 'silent' }), systemClock);
    const polls = new ProducerPolls(cfg, names(namespace));
    try {
      const prefix = names(namespace).producerQueuePrefix;
      await waitFor(async () => (await keysOf(DB)).some((k) => k.startsWith(prefix)), { timeoutMs: 30_000, what: 'the poll scheduler registered in db 7' });
      // Reading the poll queue needs the password and the db too (NOAUTH or an empty queue otherwise).
      await expect(polls.lastCompleted('prices')).resolves.toSatisfy((v) => v === null || typeof v === 'number');
    } finally {
      await polls.close();
      await producer.stop();
    }
    expect(await keysOf(0)).toEqual([]);
  });
});
