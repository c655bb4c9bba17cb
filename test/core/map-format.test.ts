import { describe, expect, it } from 'vitest';
import { decodeMap, encodeMap, mapBounds } from '../../src/core/map-format.js';

describe('binary map format', () => {
  const arrays = {
    id: Uint32Array.from([3, 9, 12]),
    x: Float32Array.from([-1.5, 0, 2.25]),
    y: Float32Array.from([4, -3, 0.5]),
    cluster: Int32Array.from([0, 7, 7]),
  };

  it('round-trips the arrays and the header', () => {
    const bytes = encodeMap({ mapId: 5, bounds: mapBounds(arrays.x, arrays.y), clusters: 2 }, arrays);
    const map = decodeMap(new Uint8Array(bytes).buffer);
    expect(map.header).toMatchObject({ mapId: 5, count: 3, bounds: [-1.5, -3, 2.25, 4], clusters: 2 });
    expect(Array.from(map.id)).toEqual([3, 9, 12]);
    expect(Array.from(map.x)).toEqual([-1.5, 0, 2.25]);
    expect(Array.from(map.y)).toEqual([4, -3, 0.5]);
    expect(Array.from(map.cluster)).toEqual([0, 7, 7]);
  });

  it('decodes from an unaligned view and handles an empty map', () => {
    const bytes = encodeMap({ mapId: 1, bounds: mapBounds(new Float32Array(0), new Float32Array(0)) }, {
      id: new Uint32Array(0), x: new Float32Array(0), y: new Float32Array(0), cluster: new Int32Array(0),
    });
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const map = decodeMap(shifted.subarray(1));
    expect(map.header.count).toBe(0);
    expect(map.header.bounds).toEqual([0, 0, 0, 0]);
  });

  it('rejects data that is not a whole map', () => {
    const bytes = encodeMap({ mapId: 1, bounds: [0, 0, 0, 0] }, arrays);
    expect(() => decodeMap(bytes.subarray(0, bytes.length - 4))).toThrow(/length does not match/);
    expect(() => decodeMap(new Uint8Array(16))).toThrow(/bad magic/);
    expect(() => decodeMap(new Uint8Array(3))).toThrow(/truncated/);
  });
});
