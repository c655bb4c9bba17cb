/**
 * What the map's colours mean: one colour per cluster, or one per folder label (a cluster takes its
 * majority label, so clusters of the same kind share a colour and mixed regions stand out).
 * Pure: the legend, the points and the labels all read the same answer.
 */
import type { ClusterInfo } from './api.js';
import { categoricalColours } from './palette.js';

export type ColourMode = 'cluster' | 'label';

export interface LegendEntry {
  name: string;
  colour: string;
  count: number;
}

export interface Colouring {
  /** Per point: index into `entries` (a float array, as the scatterplot takes it). */
  category: Float32Array;
  entries: LegendEntry[];
  /** Entry index of each cluster id. */
  entryOfCluster: Map<number, number>;
}

const UNLABELLED = 'unlabelled';

export function colouring(mode: ColourMode, pointCluster: Int32Array, clusters: ClusterInfo[]): Colouring {
  const byId = [...clusters].sort((a, b) => a.id - b.id);
  const names: string[] = [];
  const entryOfCluster = new Map<number, number>();
  const entryOfName = new Map<string, number>();
  const nameOf = (c: ClusterInfo): string =>
    mode === 'cluster' ? (c.label ? `${c.id}: ${c.label}` : `Cluster ${c.id}`) : (c.label ?? UNLABELLED);
  for (const c of byId) {
    const name = nameOf(c);
    let entry = entryOfName.get(name);
    if (entry === undefined) {
      entry = names.length;
      names.push(name);
      entryOfName.set(name, entry);
    }
    entryOfCluster.set(c.id, entry);
  }
  // Points of a cluster the cluster list does not know (there should be none) get their own entry.
  let other = -1;
  const category = new Float32Array(pointCluster.length);
  const counts: number[] = names.map(() => 0);
  for (let i = 0; i < pointCluster.length; i++) {
    let entry = entryOfCluster.get(pointCluster[i]!);
    if (entry === undefined) {
      if (other < 0) {
        other = names.length;
        names.push('other');
        counts.push(0);
      }
      entry = other;
    }
    category[i] = entry;
    counts[entry]!++;
  }
  const colours = categoricalColours(names.length);
  return {
    category,
    entries: names.map((name, i) => ({ name, colour: colours[i]!, count: counts[i]! })),
    entryOfCluster,
  };
}

/** Indices of the points whose entry is not hidden; null when nothing is hidden. */
export function visiblePoints(category: Float32Array, hidden: ReadonlySet<number>): number[] | null {
  if (hidden.size === 0) return null;
  const out: number[] = [];
  for (let i = 0; i < category.length; i++) if (!hidden.has(category[i]!)) out.push(i);
  return out;
}
