// Top-level command dispatch: picks the command, turns thrown errors into messages and exit codes
// (0 success, 1 failure, 2 usage error; commands return 130 themselves when interrupted).
import { readFileSync } from 'node:fs';
import { UsageError } from './args.js';
import type { Command, CommandContext } from './command.js';
import { secretValues } from './config.js';
import { Output } from './output.js';

// Loaded on demand: `--version` or `serve` should not pay for the upload engine, and vice versa.
const COMMANDS: Record<string, () => Promise<Command>> = {
  upload: async () => (await import('./commands/upload.js')).runUpload,
  uploads: async () => (await import('./commands/uploads.js')).runUploads,
  abort: async () => (await import('./commands/abort.js')).runAbort,
  demo: async () => (await import('./commands/demo.js')).runDemo,
  bench: async () => (await import('./commands/bench.js')).runBench,
  serve: async () => {
    const { runServe } = await import('./serve.js');
    return (argv, { io }) => runServe(argv, { stdout: io.stdout as NodeJS.WritableStream, stderr: io.stderr as NodeJS.WritableStream, env: io.env });
  },
};

async function mainHelp(): Promise<string> {
  return (await import('./help.js')).HELP.main;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function runCli(argv: string[], context: CommandContext): Promise<number> {
  const { io } = context;
  const [first, ...rest] = argv;
  // Before a command has parsed its flags, --json in argv is the best guess of how to report errors.
  const output = new Output(io, { json: rest.includes('--json'), quiet: rest.includes('--quiet') }, secretValues(io.env));
  try {
    if (first === undefined) {
      io.stderr.write(await mainHelp());
      return 2;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      io.stdout.write(await mainHelp());
      return 0;
    }
    if (first === '--version' || first === '-v') {
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    const load = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (!load) throw new UsageError(`unknown command ${JSON.stringify(first)}; the commands are ${Object.keys(COMMANDS).join(', ')}`);
    return await (await load())(rest, context);
  } catch (error) {
    return output.error(error);
  }
}
