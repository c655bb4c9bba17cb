/** The most clusters 'auto' picks: beyond about 100 the map's labels crowd each other out. */
export const MAX_AUTO_CLUSTERS = 100;

/**
 * k for `--clusters auto`: the rule of thumb k ≈ √(n/2) (Mardia et al. 1979), capped. It keeps
 * clusters of a browsable size (√(2n) images each: 45 at 1,000, 100 at 5,000), and on a
 * 50,000-image map gives 100 groups of ~500, finer than its folders, e.g. CIFAR-10's 10 classes.
 */
export function autoClusterCount(n: number): number {
  return Math.max(1, Math.min(MAX_AUTO_CLUSTERS, n, Math.round(Math.sqrt(n / 2))));
}
