/**
 * `node dist/bench/map-png.js --db FILE --out map.png [--size PX]`: the current map as a PNG,
 * each point coloured by its folder label (class), with a legend; for looking at a build.
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { mapBounds } from '../core/map-format.js';
import { MapStore } from '../store/map-store.js';
import { Store } from '../store/store.js';

/** Tableau's ten categorical colours; labels beyond ten reuse them. */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

const { values } = parseArgs({ options: { db: { type: 'string' }, out: { type: 'string' }, size: { type: 'string' } } });
if (!values.db || !values.out) throw new Error('usage: node dist/bench/map-png.js --db FILE --out map.png [--size PX]');
const size = Number(values.size ?? 1600);
const store = Store.open(values.db);
const map = new MapStore(store.db).loadCurrent();
if (!map) throw new Error(`${values.db} has no map: run lookalike map first`);
const labelOf = store.imageLabels();
store.close();

const names = [...new Set([...map.imageIds].map((id) => labelOf.get(id) ?? '(none)'))].sort();
const rgb = names.map((_, i) => PALETTE[i % PALETTE.length]!.slice(1).match(/../g)!.map((h) => parseInt(h, 16)));
const pixels = Buffer.alloc(size * size * 3, 255);
const [minX, minY, maxX, maxY] = mapBounds(map.x, map.y);
const margin = 10;
const scale = (size - 2 * margin) / Math.max(maxX - minX, maxY - minY, 1e-9);
map.imageIds.forEach((id, i) => {
  const colour = rgb[names.indexOf(labelOf.get(id) ?? '(none)')]!;
  const px = Math.round(margin + (map.x[i]! - minX) * scale);
  const py = Math.round(margin + (maxY - map.y[i]!) * scale);
  for (let dy = 0; dy < 2; dy++)
    for (let dx = 0; dx < 2; dx++) {
      const x = px + dx, y = py + dy;
      if (x < size && y < size) pixels.set(colour, 3 * (y * size + x));
    }
});
const legend = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="${22 * names.length + 8}">
  <rect width="100%" height="100%" fill="white" fill-opacity="0.85"/>
  ${names.map((name, i) => `<rect x="8" y="${8 + 22 * i}" width="14" height="14" fill="${PALETTE[i % PALETTE.length]}"/>
  <text x="30" y="${20 + 22 * i}" font-family="sans-serif" font-size="15">${name.replace(/[<&]/g, '')}</text>`).join('\n  ')}
</svg>`;
await sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
  .composite([{ input: Buffer.from(legend), top: 8, left: 8 }])
  .png().toFile(values.out);
process.stdout.write(`${map.imageIds.length} points of map ${map.id} -> ${values.out}\n`);
