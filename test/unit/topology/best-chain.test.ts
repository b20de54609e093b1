import { describe, expect, it } from 'vitest';
import { bestChain, blockWork, type ChainHeader } from '../../../pipeline/topology/domain/best-chain.js';
import { shuffled } from '../../support/shuffled.js';

const GENESIS_BITS = 0x1d00ffff;
/** Bits of mainnet block 200000 (difficulty about 2.86 million). */
const BITS_200000 = 0x1a05db8b;
const hash = (name: string) => name.padEnd(64, '_');

/** A chain of headers named `name` + index, on top of `parent` (a hash), from `height`. */
function chain(name: string, parent: string, height: number, count: number, bits: number | null = GENESIS_BITS): ChainHeader[] {
  const out: ChainHeader[] = [];
  let prev = parent;
  for (let i = 0; i < count; i += 1) {
    const h = { hash: hash(`${name}${i}`), previousHash: prev, height: height + i, bits };
    out.push(h);
    prev = h.hash;
  }
  return out;
}

const names = (set: Set<string>) => [...set].map((h) => h.replace(/_+$/, '')).sort();

describe('blockWork', () => {
  it('is 2^256 / (target + 1), as Bitcoin Core counts it', () => {
    // Chain work of the genesis block in Bitcoin Core: 0x100010001.
    expect(blockWork(GENESIS_BITS)).toBe(0x1_0001_0001n);
    expect(blockWork(BITS_200000) > blockWork(GENESIS_BITS) * 2_000_000n).toBe(true);
  });
  it.each([
    { name: 'unknown (schema version 1)', bits: undefined },
    { name: 'a negative target', bits: 0x1d80ffff },
    { name: 'a zero mantissa', bits: 0x1d000000 },
    { name: 'a target past 2^256', bits: 0x23ffffff },
  ])('is 0 for $name', ({ bits }) => {
    expect(blockWork(bits)).toBe(0n);
  });
});

describe('bestChain', () => {
  const base = chain('a', hash('p'), 100, 3);
  const cases: { name: string; headers: ChainHeader[]; best: string[] }[] = [
    { name: 'a single chain is all on it', headers: base, best: ['a0', 'a1', 'a2'] },
    {
      name: 'a longer competing branch replaces the tip (one-block reorg)',
      headers: [...base, ...chain('b', hash('a1'), 102, 2)],
      best: ['a0', 'a1', 'b0', 'b1'],
    },
    {
      name: 'a longer branch from lower replaces two blocks (two-block reorg)',
      headers: [...base, ...chain('c', hash('a0'), 101, 3)],
      best: ['a0', 'c0', 'c1', 'c2'],
    },
    {
      name: 'the old branch growing longer again is a reorg back',
      headers: [...base, ...chain('c', hash('a0'), 101, 3), ...chain('d', hash('a2'), 103, 2)],
      best: ['a0', 'a1', 'a2', 'd0', 'd1'],
    },
    {
      name: 'more work wins over more blocks',
      headers: [...base, ...chain('e', hash('a0'), 101, 1, BITS_200000)],
      best: ['a0', 'e0'],
    },
    {
      name: 'equal work: the lower hash wins, whatever came first',
      headers: [...base, ...chain('1', hash('a1'), 102, 1)],
      best: ['10', 'a0', 'a1'],
    },
    {
      name: 'without bits (version 1 events) the longest branch wins',
      headers: [...chain('a', hash('p'), 100, 2, null), ...chain('f', hash('a0'), 101, 2, null)],
      best: ['a0', 'f0', 'f1'],
    },
    {
      name: 'blocks with unknown parents at distant heights (gaps) are all on it',
      headers: [...chain('a', hash('p'), 100, 1), ...chain('g', hash('q'), 5_000, 1), ...chain('h', hash('r'), 90_000, 2)],
      best: ['a0', 'g0', 'h0', 'h1'],
    },
    {
      name: 'roots under the same unknown parent compete',
      headers: [...chain('a', hash('p'), 100, 1), ...chain('i', hash('p'), 100, 2)],
      best: ['i0', 'i1'],
    },
    {
      name: 'a repeated event counts once',
      headers: [...base, ...base, ...chain('b', hash('a1'), 102, 1)],
      best: ['a0', 'a1', 'a2'],
    },
  ];
  for (const c of cases) {
    it(`${c.name}, in any arrival order`, () => {
      for (let seed = 1; seed <= 12; seed += 1) expect(names(bestChain(shuffled(c.headers, seed))), `seed ${seed}`).toEqual(c.best);
    });
  }

  it('holds exactly one block per height on random trees, whatever the order', () => {
    for (let seed = 1; seed <= 30; seed += 1) {
      const headers: ChainHeader[] = [{ hash: hash('r'), previousHash: hash('x'), height: 0, bits: GENESIS_BITS }];
      let s = seed;
      for (let i = 1; i < 40; i += 1) {
        s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
        const parent = headers[s % headers.length] as ChainHeader;
        headers.push({ hash: hash(`n${i}x`), previousHash: parent.hash, height: parent.height + 1, bits: s % 3 === 0 ? BITS_200000 : GENESIS_BITS });
      }
      const best = bestChain(headers);
      const heights = headers.filter((h) => best.has(h.hash)).map((h) => h.height);
      expect(new Set(heights).size).toBe(heights.length);
      // Contiguous from the root up, each linked to the previous one.
      const onChain = headers.filter((h) => best.has(h.hash)).sort((a, b) => a.height - b.height);
      onChain.forEach((h, i) => {
        expect(h.height).toBe(i);
        if (i > 0) expect(h.previousHash).toBe(onChain[i - 1]?.hash);
      });
      expect(bestChain(shuffled(headers, seed + 100))).toEqual(best);
    }
  });
});
