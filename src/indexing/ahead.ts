/**
 * Maps items through an async function with up to `window` calls in flight, yielding results
 * in input order: the next images decode while the current batch is being embedded.
 * fn must not reject.
 */
export async function* mapAhead<T, R>(items: readonly T[], window: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const inflight: Promise<R>[] = [];
  let next = 0;
  while (next < items.length && inflight.length < window) inflight.push(fn(items[next++]!));
  while (inflight.length > 0) {
    const result = await inflight.shift()!;
    if (next < items.length) inflight.push(fn(items[next++]!));
    yield result;
  }
}
