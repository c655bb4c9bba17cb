/**
 * Keyboard reach of single points: the point nearest a place, and the next point in an arrow's
 * direction. Pure scans over the NDC arrays: a million points take a few milliseconds per key.
 */

/** Whether point i may be chosen (the legend can hide points). */
export type Shown = (i: number) => boolean;

const all: Shown = () => true;

/** The shown point nearest (cx, cy); null when none is shown. */
export function nearestPoint(x: Float32Array, y: Float32Array, cx: number, cy: number, shown: Shown = all): number | null {
  let best: number | null = null;
  let bestD = Infinity;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i]! - cx) ** 2 + (y[i]! - cy) ** 2;
    if (d < bestD && shown(i)) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/**
 * The next shown point from `from` in direction (dx, dy) (a unit step such as [1, 0] for right,
 * y up): within 45° of that direction, preferring points straight ahead over nearer ones off to
 * the side, so repeated presses walk along a line rather than zig-zag. Null when there is none.
 */
export function stepFrom(x: Float32Array, y: Float32Array, from: number, dx: number, dy: number, shown: Shown = all): number | null {
  const fx = x[from]!, fy = y[from]!;
  let best: number | null = null;
  let bestCost = Infinity;
  for (let i = 0; i < x.length; i++) {
    const ox = x[i]! - fx, oy = y[i]! - fy;
    const along = ox * dx + oy * dy;
    if (along <= 0) continue;
    const across = Math.abs(ox * dy - oy * dx);
    if (across > along) continue;
    const cost = along + 2 * across;
    if (cost < bestCost && i !== from && shown(i)) {
      bestCost = cost;
      best = i;
    }
  }
  return best;
}
