import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { codeChangedBetween } from '../../../bench/machine-info.js';

const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();

describe('codeChangedBetween', () => {
  it('sees no change from a commit to itself', () => {
    expect(codeChangedBetween(head, head)).toBe(false);
  });

  it('counts uncommitted changes as code', () => {
    expect(codeChangedBetween(head, `${head}+changes`)).toBe(true);
    expect(codeChangedBetween(`${head}+changes`, head)).toBe(true);
  });

  it('counts a commit git cannot compare as code', () => {
    expect(codeChangedBetween('unknown', head)).toBe(true);
  });
});
