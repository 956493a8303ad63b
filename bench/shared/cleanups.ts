/**
 * Undo steps registered as a bench starts things (children, databases, Redis keys), run
 * last-first at the end, on failure and on Ctrl-C; one failing step does not stop the rest.
 */
export interface Cleanups {
  /** Registers a step; the returned function runs it now instead (once) and unregisters it. */
  add(label: string, fn: () => Promise<unknown>): () => Promise<void>;
  run(): Promise<void>;
}

export function cleanupRegistry(log: (line: string) => void): Cleanups {
  const entries: { label: string; fn: () => Promise<unknown> }[] = [];
  return {
    add(label, fn) {
      const entry = { label, fn };
      entries.push(entry);
      return async () => {
        const index = entries.indexOf(entry);
        if (index < 0) return;
        entries.splice(index, 1);
        await fn();
      };
    },
    async run() {
      while (entries.length > 0) {
        const entry = entries.pop();
        if (!entry) break;
        try {
          await entry.fn();
        } catch (error) {
          log(`cleanup "${entry.label}" failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    },
  };
}

/**
 * Ctrl-C or SIGTERM runs the cleanups once, then exits 130; a second signal is ignored meanwhile.
 * Returns whether a signal came, so the bench's own end does not run them beside it.
 */
export function cleanUpOnSignals(cleanups: Cleanups, log: (line: string) => void): () => boolean {
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`\n${signal}: cleaning up`);
      void cleanups.run().finally(() => process.exit(130));
    });
  }
  return () => interrupted;
}
