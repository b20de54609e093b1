import { describe, expect, it } from 'vitest';
import { coinbaseText, compileTag, type PoolEntry, PoolIdentifier } from '../../../pipeline/topology/domain/pool-identifier.js';

const hex = (text: string) => Buffer.from(text, 'latin1').toString('hex');

const POOLS: PoolEntry[] = [
  { id: 1, name: 'TagPool', addresses: ['1TagPoolAddr'], tags: ['/TagPool/'] },
  { id: 2, name: 'AddrPool', addresses: ['1AddrPoolAddr', 'bc1qaddrpool'], tags: ['/addrpool/'] },
  { id: 3, name: 'Broken', addresses: [], tags: ['[unclosed'] },
  { id: 4, name: 'Anchored', addresses: [], tags: ['end$'] },
  { id: 5, name: 'Latin', addresses: [], tags: ['\u00e9t\u00e9'] },
];

describe('PoolIdentifier', () => {
  it.each([
    // name, script text, output addresses, address-first, tag-first
    ['no match', 'hello', [null, '1Nobody'], 'Unknown', 'Unknown'],
    ['tag only', '..../TAGPOOL/...', [], 'TagPool', 'TagPool'],
    ['address only', 'x', [null, '1AddrPoolAddr'], 'AddrPool', 'AddrPool'],
    ['later pool address beats nothing', 'x', ['bc1qaddrpool'], 'AddrPool', 'AddrPool'],
    // AddrPool's tag and TagPool's address: per pool in file order, TagPool's address comes first;
    // tag-first looks at every tag before any address.
    ['orders differ', 'mined by /addrpool/', ['1TagPoolAddr'], 'TagPool', 'AddrPool'],
    ['invalid regex is literal', 'xx[unclosedyy', [], 'Broken', 'Broken'],
    ['$ anchors at the end of the text', 'the end', [], 'Anchored', 'Anchored'],
    ['$ does not match before the end', 'the end.', [], 'Unknown', 'Unknown'],
    ['one character per byte (latin1)', '\u00e9t\u00e9 2012', [], 'Latin', 'Latin'],
  ] as const)('%s', (_name, text, addresses, addressFirst, tagFirst) => {
    const facts = { scriptHex: hex(text), outputAddresses: addresses };
    expect(new PoolIdentifier(POOLS, 'address-first').identify(facts).pool).toBe(addressFirst);
    expect(new PoolIdentifier(POOLS, 'tag-first').identify(facts).pool).toBe(tagFirst);
  });

  it('reports which rule matched', () => {
    const id = new PoolIdentifier(POOLS);
    expect(id.identify({ scriptHex: hex('/TagPool/'), outputAddresses: [] })).toEqual({ pool: 'TagPool', rule: 'tag', value: '/TagPool/' });
    expect(id.identify({ scriptHex: '', outputAddresses: ['1AddrPoolAddr'] })).toEqual({ pool: 'AddrPool', rule: 'address', value: '1AddrPoolAddr' });
  });

  it('reads the script bytes as code points, not UTF-8', () => {
    expect(coinbaseText('e9ff00')).toBe('\u00e9\u00ff\u0000');
    expect(compileTag('a.c').test('ABC')).toBe(true);
    expect(compileTag('(').test('x(y')).toBe(true);
  });
});
