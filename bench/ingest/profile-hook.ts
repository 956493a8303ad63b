/**
 * Preloaded into a profiled child with `node --import <this file>`. The first SIGWINCH
 * starts the V8 CPU profiler, the second stops it and writes BENCH_PROFILE_OUT, so the
 * profile covers the timed load only, not start-up. SIGWINCH because Nest treats SIGUSR2
 * as a shutdown signal; not --cpu-prof because that only writes on a clean exit, and
 * Nest's SIGTERM handling re-raises the signal instead.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const out = process.env.BENCH_PROFILE_OUT;
if (out) {
  const session = new Session();
  session.connect();
  let running = false;
  const post = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)));
    });
  process.on('SIGWINCH', () => {
    if (!running) {
      running = true;
      void post('Profiler.enable')
        .then(() => post('Profiler.setSamplingInterval', { interval: 1000 }))
        .then(() => post('Profiler.start'))
        .then(() => process.stderr.write('bench-profile: started\n'));
      return;
    }
    running = false;
    void post('Profiler.stop').then((result) => {
      writeFileSync(out, JSON.stringify((result as { profile: unknown }).profile));
      process.stderr.write(`bench-profile: written ${out}\n`);
    });
  });
}
