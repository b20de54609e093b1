import type { Admin } from 'kafkajs';
import { type Names, RAW_FEEDS } from '../pipeline/contracts/names.js';
import { topologyNames } from '../pipeline/topology/topology-names.js';
import { UsageError } from './usage-error.js';
import { applyGroupMove, assertGroupsIdle, committedTopics, type GroupMove, type OffsetTarget, planGroupMove } from './consumer-groups.js';

/** A rewind that names no group or topic it can act on. */
export class RewindTargetError extends UsageError {}

/** What `rewind` moves. */
export interface RewindRequest {
  /**
   * A consumer group id, or a shorthand: the topology's name (`<ns>-analytics`: its three spout
   * groups) or a raw feed (`blocks`, `transactions`, `prices`: the spout group of that feed).
   */
  group: string;
  /** Only this topic (a topic name or a raw feed); default every raw topic of the group. */
  topic?: string;
  target: OffsetTarget;
  /** Plan and report without committing anything (default false). */
  dryRun?: boolean;
}

/** A group and one of its topics. */
interface GroupTopic {
  groupId: string;
  topic: string;
}

/**
 * Moves consumer groups to `target` on each of their raw topics, refusing (`GroupActiveError`)
 * while any of them has running consumers. Returns the moves with the offsets committed before
 * and after, per partition (after: read back from Kafka unless `dryRun`).
 */
export async function rewind(admin: Admin, n: Names, request: RewindRequest): Promise<GroupMove[]> {
  const pairs = await resolveGroupTopics(admin, n, request.group, request.topic);
  await assertGroupsIdle(admin, [...new Set(pairs.map((p) => p.groupId))]);
  const moves: GroupMove[] = [];
  for (const { groupId, topic } of pairs) moves.push(await planGroupMove(admin, groupId, topic, request.target));
  if (request.dryRun === true) return moves;
  for (const move of moves) await applyGroupMove(admin, move);
  return Promise.all(
    moves.map(async (move) => {
      const [committed] = await admin.fetchOffsets({ groupId: move.groupId, topics: [move.topic] });
      const now = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      return { ...move, partitions: move.partitions.map((p) => ({ ...p, after: now.get(p.partition) ?? p.after })) };
    }),
  );
}

/** The (group, topic) pairs a request names, checked against the namespace's topology. */
async function resolveGroupTopics(admin: Admin, n: Names, group: string, topicArg: string | undefined): Promise<GroupTopic[]> {
  const t = topologyNames(n);
  const topicOf = (name: string) => ((RAW_FEEDS as readonly string[]).includes(name) ? n.topics[name as keyof Names['topics']] : name);
  const topic = topicArg === undefined ? undefined : topicOf(topicArg);
  let pairs: GroupTopic[];
  if (group === t.topology) {
    pairs = RAW_FEEDS.map((feed) => ({ groupId: t.consumerGroups[feed], topic: n.topics[feed] }));
  } else {
    const feed = RAW_FEEDS.find((f) => f === group || t.consumerGroups[f] === group);
    if (feed !== undefined) {
      pairs = [{ groupId: t.consumerGroups[feed], topic: n.topics[feed] }];
    } else if (topic !== undefined) {
      return [{ groupId: group, topic }];
    } else {
      const raw = new Set(Object.values(n.topics));
      pairs = (await committedTopics(admin, group)).filter((x) => raw.has(x)).map((x) => ({ groupId: group, topic: x }));
      if (pairs.length === 0)
        throw new RewindTargetError(`group ${group} has no committed offsets on the raw topics of namespace ${n.namespace}; name the topic with --topic`);
    }
  }
  if (topic === undefined) return pairs;
  const narrowed = pairs.filter((p) => p.topic === topic);
  if (narrowed.length === 0) throw new RewindTargetError(`group ${group} does not consume ${topic} (it consumes ${pairs.map((p) => p.topic).join(', ')})`);
  return narrowed;
}
