import { describe, expect, it } from 'vitest';
import { AckerTable } from '../../../pipeline/runtime/acker-table.js';
import { newTupleId, xorIds, ZERO_ID } from '../../../pipeline/runtime/tuple-id.js';

describe('xorIds', () => {
  it('is its own inverse and has zero as identity', () => {
    const a = newTupleId();
    const b = newTupleId();
    expect(xorIds(a, a)).toBe(ZERO_ID);
    expect(xorIds(xorIds(a, b), b)).toBe(a);
    expect(xorIds(a, ZERO_ID)).toBe(a);
    expect(xorIds('ffffffff00000001', '0000000100000001')).toBe('fffffffe00000000');
  });
});

describe('AckerTable', () => {
  it('completes a tree only when every tuple was acked, whatever the order of acks', async () => {
    const acker = new AckerTable();
    const [spoutTuple, child1, child2, grandchild] = [newTupleId(), newTupleId(), newTupleId(), newTupleId()];
    await acker.init([{ root: 'r', owner: 'w1', xor: spoutTuple }]);
    // Grandchild acked first, then a child, then the spout tuple's ack registers both children.
    await acker.ack([{ root: 'r', xor: grandchild }]);
    await acker.ack([{ root: 'r', xor: xorIds(child1, grandchild) }]);
    expect(await acker.takeCompletions('w1', 10)).toEqual([]);
    await acker.ack([{ root: 'r', xor: xorIds(spoutTuple, xorIds(child1, child2)) }]);
    expect(await acker.takeCompletions('w1', 10)).toEqual([]);
    await acker.ack([{ root: 'r', xor: child2 }]);
    expect(await acker.takeCompletions('w1', 10)).toEqual([{ root: 'r', ok: true }]);
    expect(acker.size).toBe(0);
  });

  it('reports a failure to the owner and ignores later acks of that tree', async () => {
    const acker = new AckerTable();
    const t = newTupleId();
    await acker.init([{ root: 'r', owner: 'w2', xor: t }]);
    const failure = { component: 'b', task: 0, errorName: 'Error', message: 'boom', retriable: true };
    await acker.fail(['r'], failure);
    await acker.ack([{ root: 'r', xor: t }]);
    expect(await acker.takeCompletions('w2', 10)).toEqual([{ root: 'r', ok: false, failure }]);
    expect(await acker.takeCompletions('w1', 10)).toEqual([]);
  });

  it('ignores acks of a forgotten (timed out) tree', async () => {
    const acker = new AckerTable();
    const t = newTupleId();
    await acker.init([{ root: 'r', owner: 'w', xor: t }]);
    await acker.forget(['r']);
    await acker.ack([{ root: 'r', xor: t }]);
    expect(await acker.takeCompletions('w', 10)).toEqual([]);
  });

  it('hands completions out in batches of at most max', async () => {
    const acker = new AckerTable();
    const ids = Array.from({ length: 5 }, () => newTupleId());
    await acker.init(ids.map((id, i) => ({ root: `r${i}`, owner: 'w', xor: id })));
    await acker.ack(ids.map((id, i) => ({ root: `r${i}`, xor: id })));
    expect(await acker.takeCompletions('w', 3)).toHaveLength(3);
    expect(await acker.takeCompletions('w', 3)).toHaveLength(2);
  });
});
