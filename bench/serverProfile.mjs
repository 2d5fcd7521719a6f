// Preloaded into the server (NODE_OPTIONS=--import, as Node 20 refuses --cpu-prof there) when
// BENCH_SERVER_PROF is set: profiles the whole process and writes a .cpuprofile on exit.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_SERVER_PROF;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // Same-thread sessions answer synchronously, so this runs before the process is gone.
    session.post('Profiler.stop', (err, r) => {
      if (!err) writeFileSync(join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(r.profile));
    });
  });
}
