#!/usr/bin/env node
// The `oss-resumable` bin: wires the real process (stdio, env, Ctrl-C) to the dispatcher.
import { basename, relative } from 'node:path';
import type { CommandContext } from './command.js';
import { runCli } from './dispatch.js';
import { keepYoungGenerationSmall } from './young-generation.js';

// `serve` answers many requests with short-lived garbage each; its heap keeps V8's defaults.
if (process.argv[2] !== 'serve') keepYoungGenerationSmall();

const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const context: CommandContext = {
  io: { stdout: process.stdout, stderr: process.stderr, env: process.env },
  program: programName(process.argv[1]),
  onInterrupt(handler) {
    let interrupts = 0;
    // The first signal lets the command stop cleanly (keeping the checkpoint, removing temp files);
    // a second one means "now". A closed terminal or `kill` deserves the same care as Ctrl-C.
    const listener = (signal: NodeJS.Signals) => {
      interrupts++;
      if (interrupts === 1) return handler();
      process.stderr.write('\ninterrupted again; exiting at once\n');
      // Die of the signal itself, with its default action: process.exit() waits for libuv's
      // threads, and one stuck in a system call (a hung NFS read) would hold the process for good.
      for (const each of INTERRUPT_SIGNALS) process.removeAllListeners(each);
      process.kill(process.pid, signal);
    };
    for (const signal of INTERRUPT_SIGNALS) process.on(signal, listener);
    return () => {
      for (const signal of INTERRUPT_SIGNALS) process.off(signal, listener);
    };
  },
};

/** 'oss-resumable' when run through the bin link; the node command line when run as a script. */
function programName(script: string | undefined): string {
  if (!script || basename(script) !== 'main.js') return 'oss-resumable';
  return `node ${relative(process.cwd(), script) || script}`;
}

const code = await runCli(process.argv.slice(2), context);
// Exit explicitly once stdout has flushed: a stray keep-alive handle must not hold the prompt
// after the result is printed.
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
