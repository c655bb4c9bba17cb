/**
 * The binary form of a map version that `GET /api/map` sends and the browser reads:
 *   "LKM2" | uint32 LE header length H | H bytes of JSON header (space-padded to a 4-byte boundary)
 *   | uint32 id[n] | float32 x[n] | float32 y[n] | int32 cluster[n] | int32 label[n]   (little-endian)
 * `label` indexes the header's `labels` list (each image's folder label), -1 where an image has none.
 * Typed-array views on the body need no parsing: 50,000 points are 1 MB and decode in microseconds.
 * Pure: shared by the server and the browser bundle.
 */

export interface MapHeader {
  mapId: number;
  count: number;
  /** [minX, minY, maxX, maxY] of the points; zeros for an empty map. */
  bounds: [number, number, number, number];
  /** The distinct folder labels that `label` indexes. */
  labels: string[];
  /** Anything else the server wants the browser to know (cluster count, build time...). */
  [key: string]: unknown;
}

export interface MapArrays {
  id: Uint32Array;
  x: Float32Array;
  y: Float32Array;
  cluster: Int32Array;
  label: Int32Array;
}

const MAGIC = 0x324d4b4c; // "LKM2" read as a little-endian uint32
const BYTES_PER_POINT = 20;

export function mapBounds(x: Float32Array, y: Float32Array): [number, number, number, number] {
  if (x.length === 0) return [0, 0, 0, 0];
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!, yi = y[i]!;
    if (xi < minX) minX = xi;
    if (xi > maxX) maxX = xi;
    if (yi < minY) minY = yi;
    if (yi > maxY) maxY = yi;
  }
  return [minX, minY, maxX, maxY];
}

export function encodeMap(header: Pick<MapHeader, 'mapId' | 'bounds' | 'labels'> & Record<string, unknown>, arrays: MapArrays): Uint8Array {
  const n = arrays.id.length;
  if (arrays.x.length !== n || arrays.y.length !== n || arrays.cluster.length !== n || arrays.label.length !== n) {
    throw new RangeError('map arrays must have the same length');
  }
  const bad = badLabel(arrays.label, header.labels.length);
  if (bad >= 0) throw new RangeError(`point ${bad} has label ${arrays.label[bad]}, but the map has ${header.labels.length} labels`);
  let json = new TextEncoder().encode(JSON.stringify({ ...header, count: n }));
  const padded = Math.ceil((8 + json.length) / 4) * 4 - 8;
  const headerBytes = new Uint8Array(padded).fill(0x20);
  headerBytes.set(json);
  json = headerBytes;
  const body = 8 + padded;
  const out = new Uint8Array(body + BYTES_PER_POINT * n);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, padded, true);
  out.set(json, 8);
  const parts = [arrays.id, arrays.x, arrays.y, arrays.cluster, arrays.label];
  parts.forEach((a, k) => out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), body + 4 * n * k));
  return out;
}

/** Throws a RangeError on anything that is not a whole map in this format. */
export function decodeMap(bytes: ArrayBuffer | Uint8Array): { header: MapHeader } & MapArrays {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.byteLength < 8) throw new RangeError('map data is truncated');
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new RangeError('not Lookalike map data (bad magic)');
  const h = view.getUint32(4, true);
  if (8 + h > u8.byteLength || h % 4 !== 0) throw new RangeError('map header is truncated');
  const header = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + h))) as MapHeader;
  const n = header.count;
  const body = 8 + h;
  if (!Number.isInteger(n) || n < 0 || body + BYTES_PER_POINT * n !== u8.byteLength) throw new RangeError('map data length does not match its header');
  if (!Array.isArray(header.labels) || header.labels.some((l) => typeof l !== 'string')) throw new RangeError('map header lacks its list of labels');
  // Copy so the views are aligned whatever the source buffer's offset.
  const buf = u8.slice(body).buffer;
  const label = new Int32Array(buf, 16 * n, n);
  const bad = badLabel(label, header.labels.length);
  if (bad >= 0) throw new RangeError(`point ${bad} has label ${label[bad]}, but the map has ${header.labels.length} labels`);
  return {
    header,
    id: new Uint32Array(buf, 0, n),
    x: new Float32Array(buf, 4 * n, n),
    y: new Float32Array(buf, 8 * n, n),
    cluster: new Int32Array(buf, 12 * n, n),
    label,
  };
}

/** The first point whose label is neither -1 nor an index into a list of `count` labels; -1 when none. */
function badLabel(label: Int32Array, count: number): number {
  for (let i = 0; i < label.length; i++) if (label[i]! < -1 || label[i]! >= count) return i;
  return -1;
}
