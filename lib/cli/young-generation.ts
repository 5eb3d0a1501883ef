// The CLI process runs one upload for as long as it takes, with a small, steady live heap (the part
// bytes live in buffers outside it). V8 doubles its young generation whenever enough objects have
// survived scavenges since the last growth, which over a long upload keeps happening although no
// more is live: the peak RSS creeps up 8 MiB at a time (bench/memory.mjs, 4 GiB, 8 MiB × 3: 94–103 MiB with
// growth, 88–92 without, at the same CPU time: scavenges of the small young generation take
// ~0.1 ms each). A growth factor of 1 keeps it at its initial size.
//
// Only the CLI does this: a library must not retune the heap of the process that embeds it (such a
// process can start node with --max-semi-space-size itself). A process started with its own
// semi-space flags is left alone.
import { setFlagsFromString } from 'node:v8';
import { startedWithFlag } from '../process-flags.js';

export function keepYoungGenerationSmall(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if (startedWithFlag(/semi[-_]space/, execArgv, nodeOptions)) return false;
  setFlagsFromString('--semi-space-growth-factor=1');
  return true;
}
