import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../pipeline/config/config.js';
import { names, RAW_FEEDS } from '../../../pipeline/contracts/names.js';
import { defaultStackContext } from '../../../stack/default-context.js';
import { allNodes } from '../../../stack/layout.js';
import { up } from '../../../stack/stack.js';
import { formatStatus, stackStatus } from '../../../stack/status-report.js';

const config = loadConfig();
const ctx = defaultStackContext('warn');

describe('npm run stack', () => {
  it('up on a running stack starts nothing and leaves every node as it was', async () => {
    const before = await stackStatus(ctx, config);
    const result = await up(ctx, config);
    expect(result.nodes.map((n) => n.node).sort()).toEqual(
      allNodes()
        .map((n) => n.id)
        .sort(),
    );
    expect(result.nodes.filter((n) => n.outcome === 'started')).toEqual([]);
    const after = await stackStatus(ctx, config);
    expect(after.nodes.map((n) => n.pid)).toEqual(before.nodes.map((n) => n.pid));
  });

  it('status reports every process alive and healthy with its memory, and the namespace topics and indices', async () => {
    const status = await stackStatus(ctx, config);
    expect(status.healthy).toBe(true);
    for (const node of status.nodes) {
      expect(node, node.node).toMatchObject({ alive: true, healthy: true });
      expect(node.rssBytes, node.node).toBeGreaterThan(0);
    }
    expect(status.kafkaBrokerIds).toEqual([1, 2, 3]);
    expect(status.redis).toMatchObject({ pong: true, maxmemoryPolicy: 'noeviction', appendonly: 'yes' });
    const n = names(config.namespace);
    for (const feed of RAW_FEEDS) {
      expect(status.topics?.find((t) => t.topic === n.topics[feed])).toMatchObject({ partitions: 9, replicas: 3, minIsr: 3, minInsyncReplicas: 2 });
    }
    expect(status.indices?.map((i) => i.index)).toEqual(expect.arrayContaining(Object.values(n.indices)));
    const text = formatStatus(status);
    expect(text).toContain('stack: healthy');
    expect(text).toContain(`${n.topics.blocks} `);
  });
});
