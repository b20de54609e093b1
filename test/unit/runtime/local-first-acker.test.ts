import { describe, expect, it } from 'vitest';
import type { AckerInit, AckerStore } from '../../../pipeline/runtime/acker-store.js';
import { AckerTable } from '../../../pipeline/runtime/acker-table.js';
import { LocalFirstAcker } from '../../../pipeline/runtime/local-first-acker.js';
import { xorIds } from '../../../pipeline/runtime/tuple-id.js';
import type { FailureInfo } from '../../../pipeline/runtime/tuple-failure.js';

const id = (n: number) => n.toString(16).padStart(16, '0');
const failure: FailureInfo = { component: 'c', task: 0, errorName: 'Error', message: 'boom', retriable: true };

/** A shared store whose `init` resolves only when the test says so (Redis being slow). */
class SlowShared extends AckerTable {
  readonly inits: AckerInit[][] = [];
  private release: (() => void)[] = [];

  override init(entries: readonly AckerInit[]): Promise<void> {
    this.inits.push([...entries]);
    return new Promise<void>((resolve) => this.release.push(resolve)).then(() => this.initSync(entries));
  }

  releaseInits(): void {
    for (const r of this.release.splice(0)) r();
  }
}

describe('LocalFirstAcker', () => {
  it('completes a tree that never leaves the worker without touching the shared store', async () => {
    const shared = new AckerTable();
    const acker = new LocalFirstAcker(shared);
    await acker.init([{ root: 'r', owner: 'w', xor: id(1) }]);
    await acker.ack([{ root: 'r', xor: xorIds(id(1), id(2)) }]);
    expect(await acker.takeCompletions('w', 10)).toEqual([]);
    await acker.ack([{ root: 'r', xor: id(2) }]);
    expect(await acker.takeCompletions('w', 10)).toEqual([{ root: 'r', ok: true }]);
    expect(shared.size).toBe(0);
    expect(acker.localSize).toBe(0);
  });

  it('moves a tree to the shared store before a tuple leaves, with its XOR so far, and routes every later update there', async () => {
    const shared = new AckerTable();
    const acker = new LocalFirstAcker(shared);
    await acker.init([{ root: 'r', owner: 'w', xor: id(1) }]);
    // The spout tuple (1) is acked with a child (2) that stays, and a child (3) that leaves.
    await acker.ack([{ root: 'r', xor: xorIds(xorIds(id(1), id(2)), id(3)) }]);
    await acker.promote(['r', 'unknown']);
    expect(acker.localSize).toBe(0);
    expect(shared.size).toBe(1);
    // Another worker acks 3 in the shared store; this one acks 2: complete, reported by the shared store.
    await shared.ack([{ root: 'r', xor: id(3) }]);
    await acker.ack([{ root: 'r', xor: id(2) }]);
    expect(await acker.takeCompletions('w', 10)).toEqual([{ root: 'r', ok: true }]);
  });

  it('holds updates and failures of roots it does not own until earlier promotions are in the shared store', async () => {
    const shared = new SlowShared();
    const acker = new LocalFirstAcker(shared);
    await acker.init([
      { root: 'a', owner: 'w', xor: id(1) },
      { root: 'b', owner: 'w', xor: id(5) },
    ]);
    const promoted = acker.promote(['a', 'b']);
    let acked = false;
    const ack = acker.ack([{ root: 'a', xor: id(1) }]).then(() => {
      acked = true;
    });
    const fail = acker.fail(['b'], failure);
    await new Promise((resolve) => setImmediate(resolve));
    expect(acked).toBe(false); // would be dropped as "unknown root" if sent now
    shared.releaseInits();
    await Promise.all([promoted, ack, fail]);
    expect(shared.inits).toEqual([
      [
        { root: 'a', owner: 'w', xor: id(1) },
        { root: 'b', owner: 'w', xor: id(5) },
      ],
    ]);
    expect(await acker.takeCompletions('w', 10)).toEqual([
      { root: 'a', ok: true },
      { root: 'b', ok: false, failure },
    ]);
  });

  it('fails and forgets local trees locally, and a refused promotion loses the tree to both stores (its spout times it out)', async () => {
    const refusing: AckerStore = Object.assign(new AckerTable(), { init: async () => Promise.reject(new Error('redis down')) });
    const acker = new LocalFirstAcker(refusing);
    await acker.init([
      { root: 'f', owner: 'w', xor: id(1) },
      { root: 'g', owner: 'w', xor: id(2) },
      { root: 'p', owner: 'w', xor: id(3) },
    ]);
    await acker.fail(['f'], failure);
    await acker.forget(['g']);
    expect(await acker.takeCompletions('w', 10)).toEqual([{ root: 'f', ok: false, failure }]);
    await expect(acker.promote(['p'])).rejects.toThrow('redis down');
    expect(acker.localSize).toBe(0);
    // Later promotions are not blocked by the refused one.
    await acker.init([{ root: 'q', owner: 'w', xor: id(4) }]);
    await expect(acker.promote(['q'])).rejects.toThrow('redis down');
  });
});
