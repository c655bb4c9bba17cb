import { describe, expect, it } from 'vitest';
import { decodeMap, encodeMap, mapBounds } from '../../src/core/map-format.js';

describe('binary map format', () => {
  const arrays = {
    id: Uint32Array.from([3, 9, 12]),
    x: Float32Array.from([-1.5, 0, 2.25]),
    y: Float32Array.from([4, -3, 0.5]),
    cluster: Int32Array.from([0, 7, 7]),
    label: Int32Array.from([1, -1, 0]),
  };
  const labels = ['cat', 'dog'];

  it('round-trips the arrays and the header, labels included', () => {
    const bytes = encodeMap({ mapId: 5, bounds: mapBounds(arrays.x, arrays.y), labels, clusters: 2 }, arrays);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('LKM2');
    const map = decodeMap(new Uint8Array(bytes).buffer);
    expect(map.header).toMatchObject({ mapId: 5, count: 3, bounds: [-1.5, -3, 2.25, 4], labels, clusters: 2 });
    expect(Array.from(map.id)).toEqual([3, 9, 12]);
    expect(Array.from(map.x)).toEqual([-1.5, 0, 2.25]);
    expect(Array.from(map.y)).toEqual([4, -3, 0.5]);
    expect(Array.from(map.cluster)).toEqual([0, 7, 7]);
    expect(Array.from(map.label, (l) => (l < 0 ? null : map.header.labels[l]))).toEqual(['dog', null, 'cat']);
  });

  it('decodes from an unaligned view and handles an empty map', () => {
    const none = { id: new Uint32Array(0), x: new Float32Array(0), y: new Float32Array(0), cluster: new Int32Array(0), label: new Int32Array(0) };
    const bytes = encodeMap({ mapId: 1, bounds: mapBounds(none.x, none.y), labels: [] }, none);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const map = decodeMap(shifted.subarray(1));
    expect(map.header.count).toBe(0);
    expect(map.header.bounds).toEqual([0, 0, 0, 0]);
    expect(map.label.length).toBe(0);
  });

  it('refuses to encode a label the list lacks', () => {
    expect(() => encodeMap({ mapId: 1, bounds: [0, 0, 0, 0], labels: ['cat'] }, arrays)).toThrow(/point 0 has label 1, but the map has 1 labels/);
  });

  it('rejects data that is not a whole map, an old-format map, and labels out of range', () => {
    const bytes = encodeMap({ mapId: 1, bounds: [0, 0, 0, 0], labels }, arrays);
    expect(() => decodeMap(bytes.subarray(0, bytes.length - 4))).toThrow(/length does not match/);
    expect(() => decodeMap(new Uint8Array(16))).toThrow(/bad magic/);
    expect(() => decodeMap(new Uint8Array(3))).toThrow(/truncated/);
    const old = bytes.slice();
    old.set(new TextEncoder().encode('LKM1'));
    expect(() => decodeMap(old)).toThrow(/bad magic/);
    const outOfRange = bytes.slice();
    new DataView(outOfRange.buffer).setInt32(outOfRange.length - 4, 2, true); // the last point's label
    expect(() => decodeMap(outOfRange)).toThrow(/point 2 has label 2, but the map has 2 labels/);
  });
});
