/**
 * The first Ctrl-C (or SIGTERM) aborts the returned signal and says what happens next, so a
 * command can stop cleanly; a second one exits at once with 130. dispose() removes the handlers.
 */
export function abortOnInterrupt(message: string): { signal: AbortSignal; dispose: () => void } {
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write(`\ninterrupted: ${message}\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: abort.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
