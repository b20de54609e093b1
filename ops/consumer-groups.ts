import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, GroupDescriptions } from 'kafkajs';
import { KAFKA_SPOUT_SESSION_TIMEOUT_MS, RetriableError } from '../pipeline/runtime/index.js';
import { waitUntilEmpty } from '../stack/wait-until.js';
import { RefusalError, UsageError } from './usage-error.js';

/** A live member of a consumer group, as the group coordinator reports it. */
export interface GroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
}

/** A consumer group's state (`Empty`, `Stable`, `PreparingRebalance`, ...) and members. */
export interface GroupActivity {
  groupId: string;
  state: string;
  members: GroupMember[];
}

/** States in which a group has no running consumer: its offsets may be moved. */
const IDLE_STATES: ReadonlySet<string> = new Set(['Empty', 'Dead']);

/** Whether a group has no running consumer. */
export function isIdle(group: GroupActivity): boolean {
  return IDLE_STATES.has(group.state) && group.members.length === 0;
}

/** A command refused to touch consumer groups that have running consumers. */
export class GroupActiveError extends RefusalError {
  constructor(readonly groups: readonly GroupActivity[]) {
    super(
      `consumer group${groups.length > 1 ? 's' : ''} still running: ${groups
        .map((g) => `${g.groupId} (${g.state}; members: ${g.members.map((m) => `${m.clientId}@${m.clientHost}`).join(', ') || 'none listed'})`)
        .join('; ')}`,
    );
  }
}

/** Options of `describeGroups`. */
export interface DescribeGroupsOptions {
  /** How long one call may take before it is made afresh (default 5 000 ms). */
  attemptMs?: number;
  /** Calls before giving up with a `RetriableError` (default 6). */
  attempts?: number;
}

/**
 * `admin.describeGroups`, made afresh when a call does not answer within `attemptMs`. kafkajs
 * (2.2.4) finds each group's coordinator once per call, then retries the request on that broker:
 * when the coordinator moved meanwhile (a preferred-leader election of `__consumer_offsets`,
 * which Kafka runs every 5 minutes, or a broker restart), each retry gets NOT_COORDINATOR until
 * its retries run out, about 2.5 minutes with the project's retry options. A new call finds the
 * new coordinator at once, as Java's admin client does (KAFKA-8341). A call given up keeps
 * retrying inside kafkajs until its retries end; its outcome is ignored.
 */
export async function describeGroups(admin: Admin, groupIds: readonly string[], options: DescribeGroupsOptions = {}): Promise<GroupDescriptions> {
  const attemptMs = options.attemptMs ?? 5_000;
  const attempts = options.attempts ?? 6;
  for (let attempt = 1; ; attempt += 1) {
    const call = admin.describeGroups([...groupIds]);
    call.catch(() => undefined);
    const giveUp = new AbortController();
    const late = sleep(attemptMs, null, { signal: giveUp.signal }).catch(() => null);
    const answer = await Promise.race([call, late]).finally(() => giveUp.abort());
    if (answer !== null) return answer;
    if (attempt >= attempts) {
      throw new RetriableError(`consumer groups ${groupIds.join(', ')} not described: ${attempts} calls of ${attemptMs} ms got no answer`);
    }
  }
}

/** The state and members of each group (a group never seen is `Dead` with no members). */
export async function describeGroupActivity(admin: Admin, groupIds: readonly string[], options: DescribeGroupsOptions = {}): Promise<GroupActivity[]> {
  if (groupIds.length === 0) return [];
  const { groups } = await describeGroups(admin, groupIds, options);
  return groupIds.map((groupId) => {
    const g = groups.find((x) => x.groupId === groupId);
    return {
      groupId,
      state: g?.state ?? 'Dead',
      members: (g?.members ?? []).map((m) => ({ memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost })),
    };
  });
}

/**
 * How long a stopped consumer may stay listed in its group: one killed (or whose leave request
 * reached a broker that is no longer the coordinator) is only dropped when its session times out.
 */
export const MEMBER_GRACE_MS = KAFKA_SPOUT_SESSION_TIMEOUT_MS + 5_000;

/** Options of `assertGroupsIdle`. */
export interface GroupsIdleOptions {
  /** Wait this long for members to leave or expire before refusing (default `MEMBER_GRACE_MS`; 0: refuse at once). */
  graceMs?: number;
  /** Pause between checks (default 1 000 ms). */
  intervalMs?: number;
}

/**
 * Resolves once none of `groupIds` has running consumers; throws a `GroupActiveError` naming the
 * live members when some remain after the grace period (a running consumer keeps its membership
 * by heartbeats, so the grace only delays the refusal of a group that really runs).
 */
export async function assertGroupsIdle(admin: Admin, groupIds: readonly string[], options: GroupsIdleOptions = {}): Promise<void> {
  const active = await waitUntilEmpty(async () => (await describeGroupActivity(admin, groupIds)).filter((g) => !isIdle(g)), {
    timeoutMs: options.graceMs ?? MEMBER_GRACE_MS,
    intervalMs: options.intervalMs ?? 1_000,
    what: 'consumer groups to be idle',
  });
  if (active.length > 0) throw new GroupActiveError(active);
}

/** Where to move a group: the first offset, the end, one offset on every partition, or the first record written at or after a time. */
export type OffsetTarget = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'offset'; offset: number } | { kind: 'time'; ms: number; iso: string };

/** An unusable `--to` value. */
export class OffsetTargetError extends UsageError {}

/** Parses `earliest`, `latest`, a non-negative offset or an ISO-8601 time with a zone (`2015-11-15T03:00:00Z`). */
export function parseOffsetTarget(text: string): OffsetTarget {
  const value = text.trim();
  if (value === 'earliest' || value === 'latest') return { kind: value };
  if (/^\d+$/.test(value)) {
    const offset = Number(value);
    if (!Number.isSafeInteger(offset)) throw new OffsetTargetError(`offset ${value} is too large`);
    return { kind: 'offset', offset };
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return { kind: 'time', ms, iso: new Date(ms).toISOString() };
  }
  throw new OffsetTargetError(
    `cannot read "${text}" as a target: use earliest, latest, an offset (e.g. 1200) or an ISO time with its zone (e.g. 2015-11-15T03:00:00Z)`,
  );
}

/** One partition's committed offset before and after a move (`null`: nothing committed yet). */
export interface PartitionMove {
  partition: number;
  before: number | null;
  after: number;
  /** First and next-to-be-written offsets of the partition. */
  low: number;
  high: number;
}

/** A group's planned or applied move on one topic. */
export interface GroupMove {
  groupId: string;
  topic: string;
  target: OffsetTarget;
  partitions: PartitionMove[];
}

/**
 * Where `target` puts `groupId` on each partition of `topic`. An offset outside a partition's
 * range is clamped into it; a time resolves to the first record whose Kafka timestamp (the time
 * the producer wrote it) is at or after it, or the end when there is none.
 */
export async function planGroupMove(admin: Admin, groupId: string, topic: string, target: OffsetTarget): Promise<GroupMove> {
  const bounds = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const before = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  const byTime =
    target.kind === 'time' ? new Map((await admin.fetchTopicOffsetsByTimestamp(topic, target.ms)).map((p) => [p.partition, Number(p.offset)])) : null;
  const partitions = bounds
    .map((b): PartitionMove => {
      const low = Number(b.low);
      const high = Number(b.high);
      const wanted =
        target.kind === 'earliest' ? low : target.kind === 'latest' ? high : target.kind === 'offset' ? target.offset : (byTime?.get(b.partition) ?? high);
      const was = before.get(b.partition);
      return { partition: b.partition, before: was === undefined || was < 0 ? null : was, after: Math.min(Math.max(wanted, low), high), low, high };
    })
    .sort((a, b) => a.partition - b.partition);
  return { groupId, topic, target, partitions };
}

/**
 * Commits a planned move. Kafka accepts it only while the group has no running consumer
 * (kafkajs checks the group's state too); call `assertGroupsIdle` first for a clear refusal.
 */
export async function applyGroupMove(admin: Admin, move: GroupMove): Promise<void> {
  await admin.setOffsets({
    groupId: move.groupId,
    topic: move.topic,
    partitions: move.partitions.map((p) => ({ partition: p.partition, offset: String(p.after) })),
  });
}

/** The topics on which `groupId` has committed offsets. */
export async function committedTopics(admin: Admin, groupId: string): Promise<string[]> {
  const offsets = await admin.fetchOffsets({ groupId });
  return offsets
    .filter((t) => t.partitions.some((p) => Number(p.offset) >= 0))
    .map((t) => t.topic)
    .sort();
}
