/** A mapped image near the vector being placed: its map position and its cosine similarity. */
export interface PlacedNeighbour {
  x: number;
  y: number;
  score: number;
}

/** Similarity scale of the weights: a neighbour 0.05 less similar counts e⁻¹ as much. */
export const PLACE_TEMPERATURE = 0.05;

/**
 * Where a vector that is not in the map (an upload, a newly indexed image) falls: the average of
 * its nearest mapped neighbours' positions, weighted by exp((score - best) / T), so an exact
 * duplicate lands on its twin and a vector between two groups lands between them.
 */
export function placeFromNeighbours(neighbours: readonly PlacedNeighbour[], temperature = PLACE_TEMPERATURE): { x: number; y: number } {
  if (neighbours.length === 0) throw new RangeError('placing a point needs at least one mapped neighbour');
  let best = -Infinity;
  for (const n of neighbours) best = Math.max(best, n.score);
  let sw = 0, sx = 0, sy = 0;
  for (const n of neighbours) {
    const w = Math.exp((n.score - best) / temperature);
    sw += w;
    sx += w * n.x;
    sy += w * n.y;
  }
  return { x: sx / sw, y: sy / sw };
}
