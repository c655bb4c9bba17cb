/** A deterministic pseudo-random sequence (mulberry32), so a split is repeatable from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks `count` items as queries by a seeded shuffle of the sorted items; the rest is the gallery. */
export function splitBySeed<T>(items: readonly T[], key: (t: T) => string, count: number, seed: number): { gallery: T[]; queries: T[] } {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const rand = seededRandom(seed);
  for (let i = sorted.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [sorted[i], sorted[j]] = [sorted[j]!, sorted[i]!];
  }
  return { queries: sorted.slice(0, count), gallery: sorted.slice(count) };
}
