/**
 * What the map's colours mean: one colour per cluster, or one per folder label, taken point by
 * point (so a cat inside a dog cluster is coloured as a cat, and mixed regions stand out).
 * Pure: the legend, the points and the cluster labels all read the same answer.
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
  /** Entry index of each cluster id: its own entry, or in label mode its majority label's. */
  entryOfCluster: Map<number, number>;
}

/** The points as the map format gives them: cluster ids, and indices into `labels` (-1: none). */
export interface PointGroups {
  cluster: Int32Array;
  label: Int32Array;
  labels: string[];
}

const UNLABELLED = 'unlabelled';

export function colouring(mode: ColourMode, points: PointGroups, clusters: ClusterInfo[]): Colouring {
  const { names, category, entryOfCluster } = mode === 'cluster' ? byCluster(points.cluster, clusters) : byLabel(points, clusters);
  const counts: number[] = names.map(() => 0);
  for (let i = 0; i < category.length; i++) counts[category[i]!]!++;
  const colours = categoricalColours(names.length);
  return {
    category,
    entries: names.map((name, i) => ({ name, colour: colours[i]!, count: counts[i]! })),
    entryOfCluster,
  };
}

type Grouping = Pick<Colouring, 'category' | 'entryOfCluster'> & { names: string[] };

function byCluster(pointCluster: Int32Array, clusters: ClusterInfo[]): Grouping {
  const byId = [...clusters].sort((a, b) => a.id - b.id);
  const names = byId.map((c) => (c.label ? `${c.id}: ${c.label}` : `Cluster ${c.id}`));
  const entryOfCluster = new Map(byId.map((c, i) => [c.id, i]));
  // Points of a cluster the cluster list does not know (there should be none) share one entry.
  let other = -1;
  const category = Float32Array.from(pointCluster, (c) => {
    const entry = entryOfCluster.get(c);
    if (entry !== undefined) return entry;
    if (other < 0) other = names.push('other') - 1;
    return other;
  });
  return { names, category, entryOfCluster };
}

function byLabel({ label, labels }: PointGroups, clusters: ClusterInfo[]): Grouping {
  const names = [...labels];
  const unlabelled = label.includes(-1) ? names.push(UNLABELLED) - 1 : -1;
  const category = Float32Array.from(label, (l) => (l < 0 ? unlabelled : l));
  const entryOfName = new Map(names.map((n, i) => [n, i]));
  const entryOfCluster = new Map<number, number>();
  for (const c of clusters) {
    const entry = entryOfName.get(c.label ?? UNLABELLED);
    if (entry !== undefined) entryOfCluster.set(c.id, entry);
  }
  return { names, category, entryOfCluster };
}

/** Indices of the points whose entry is not hidden; null when nothing is hidden. */
export function visiblePoints(category: Float32Array, hidden: ReadonlySet<number>): number[] | null {
  if (hidden.size === 0) return null;
  const out: number[] = [];
  for (let i = 0; i < category.length; i++) if (!hidden.has(category[i]!)) out.push(i);
  return out;
}
