// Preloaded with `node --import` into a process the bench measures from outside (the CLI): as the
// process exits, writes {"maxRssBytes", "cpuSeconds"} for its whole life on file descriptor 3,
// whatever the process itself prints on stdout and stderr.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  // maxRSS is in KiB; CPU times in microseconds.
  writeSync(3, `${JSON.stringify({ maxRssBytes: usage.maxRSS * 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 })}\n`);
});
