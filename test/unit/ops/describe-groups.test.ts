import type { Admin, GroupDescription, GroupDescriptions } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { describeGroupActivity, describeGroups } from '../../../ops/consumer-groups.js';
import { isTransientError } from '../../../pipeline/clients/transient-error.js';
import { RetriableError } from '../../../pipeline/runtime/index.js';

const group = (groupId: string, state: GroupDescription['state']): GroupDescription => ({
  groupId,
  state,
  protocol: 'RoundRobinAssigner',
  protocolType: 'consumer',
  members: [{ memberId: 'm1', clientId: 'worker-1', clientHost: '/127.0.0.1', memberMetadata: Buffer.alloc(0), memberAssignment: Buffer.alloc(0) }],
});

/** A call that never answers, as kafkajs's describeGroups does while it retries a coordinator that moved. */
const stuck = (): Promise<GroupDescriptions> => new Promise(() => undefined);

/** An admin whose describeGroups gives each call's outcome in turn and records the group ids asked. */
function adminAnswering(...outcomes: (() => Promise<GroupDescriptions>)[]): { admin: Admin; calls: string[][] } {
  const calls: string[][] = [];
  const admin = {
    describeGroups: (groupIds: string[]) => {
      calls.push(groupIds);
      const next = outcomes[Math.min(calls.length, outcomes.length) - 1];
      if (next === undefined) throw new Error('no outcome');
      return next();
    },
  } as unknown as Admin;
  return { admin, calls };
}

describe('describeGroups', () => {
  it('asks afresh when a call does not answer in time, and returns the new call answer', async () => {
    const { admin, calls } = adminAnswering(stuck, async () => ({ groups: [group('g1', 'Stable')] }));
    const { groups } = await describeGroups(admin, ['g1'], { attemptMs: 20 });
    expect(groups.map((g) => [g.groupId, g.state])).toEqual([['g1', 'Stable']]);
    expect(calls).toEqual([['g1'], ['g1']]);
  });

  it('ignores the late failure of a call it gave up', async () => {
    const lateFailure = () => new Promise<GroupDescriptions>((_, reject) => setTimeout(() => reject(new Error('retries exceeded')), 60));
    const { admin, calls } = adminAnswering(lateFailure, async () => ({ groups: [group('g1', 'Empty')] }));
    const { groups } = await describeGroups(admin, ['g1'], { attemptMs: 10 });
    expect(groups[0]?.state).toBe('Empty');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(calls).toHaveLength(2);
  });

  it('passes on at once an error kafkajs gave up with', async () => {
    const refused = Object.assign(new Error('Connection error: connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const { admin, calls } = adminAnswering(() => Promise.reject(refused));
    await expect(describeGroups(admin, ['g1'], { attemptMs: 1_000 })).rejects.toBe(refused);
    expect(calls).toHaveLength(1);
  });

  it('gives up with a retriable error after its calls got no answer', async () => {
    const { admin, calls } = adminAnswering(stuck);
    const err = await describeGroups(admin, ['g1', 'g2'], { attemptMs: 5, attempts: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetriableError);
    expect(isTransientError(err)).toBe(true);
    expect((err as Error).message).toContain('g1, g2');
    expect(calls).toHaveLength(3);
  });
});

describe('describeGroupActivity', () => {
  it('lists every group asked for, one the coordinator does not know as Dead', async () => {
    const { admin } = adminAnswering(stuck, async () => ({ groups: [group('g2', 'Stable')] }));
    const groups = await describeGroupActivity(admin, ['g1', 'g2'], { attemptMs: 20 });
    expect(groups).toEqual([
      { groupId: 'g1', state: 'Dead', members: [] },
      { groupId: 'g2', state: 'Stable', members: [{ memberId: 'm1', clientId: 'worker-1', clientHost: '/127.0.0.1' }] },
    ]);
  });
});
