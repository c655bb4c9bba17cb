import { describe, expect, it } from 'vitest';
import { combineBlocks, mirror } from '../../src/embed/embedder.js';

describe('vector post-processing', () => {
  it('normalises each block, concatenates, and normalises the whole', () => {
    const v = combineBlocks([Float32Array.of(3, 4), Float32Array.of(0, 0, 2)], false);
    const r = Math.SQRT1_2;
    expect(Array.from(v).map((x) => +x.toFixed(6))).toEqual([0.6 * r, 0.8 * r, 0, 0, r].map((x) => +x.toFixed(6)));
  });

  it('takes the signed square root first when power is on', () => {
    const v = combineBlocks([Float32Array.of(-9, 16)], true);
    expect(Array.from(v).map((x) => +x.toFixed(6))).toEqual([-0.6, 0.8]);
  });

  it('a single block without power is plain L2 normalisation', () => {
    expect(Array.from(combineBlocks([Float32Array.of(0, 5)], false))).toEqual([0, 1]);
  });

  it('mirrors an image left to right', () => {
    // 2×2 RGB: pixels a b / c d  ->  b a / d c
    const px = Buffer.from([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    expect([...mirror(px, 2)]).toEqual([2, 2, 2, 1, 1, 1, 4, 4, 4, 3, 3, 3]);
  });
});
