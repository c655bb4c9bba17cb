import { describe, expect, it } from 'vitest';
import { pickThumbs } from '../../src/web/lod.js';

const opts = { maxInView: 100, cell: 50, cap: 10 };

describe('pickThumbs', () => {
  it('shows no pictures while too many points are in view', () => {
    const inView = Array.from({ length: 101 }, (_, i) => i);
    expect(pickThumbs(inView, () => [10, 10], 500, 500, opts)).toEqual([]);
  });

  it('keeps one picture per cell, the first point to land there, and only on-screen points', () => {
    const pos: [number, number][] = [[10, 10], [20, 20], [60, 10], [-5, 10], [499, 499], [500, 10]];
    const picks = pickThumbs(pos.map((_, i) => i), (i) => pos[i]!, 500, 500, opts);
    expect(picks.map((p) => p.index)).toEqual([0, 2, 4]);
  });

  it('never exceeds the cap', () => {
    const pos = Array.from({ length: 100 }, (_, i) => [(i % 10) * 50 + 1, Math.floor(i / 10) * 50 + 1] as [number, number]);
    expect(pickThumbs(pos.map((_, i) => i), (i) => pos[i]!, 500, 500, opts)).toHaveLength(10);
  });
});
