// Everything the CLI prints goes through here, so the modes stay consistent: human (result on
// stdout, notes and progress on stderr), --json (exactly one JSON object on stdout, notes and
// progress still on stderr) and --quiet (no notes or progress; errors, and the JSON with --json).
// Secrets are scrubbed last.
import { OssError, OssServiceError } from '../errors.js';
import { UsageError } from './args.js';

export interface CliStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: NodeJS.ProcessEnv;
}

export interface OutputFlags {
  /** Exactly one JSON object on stdout: the result, or {"error": ...}. */
  json?: boolean | undefined;
  /** No progress and no notes. */
  quiet?: boolean | undefined;
}

export class Output {
  readonly #io: CliIo;
  readonly #json: boolean;
  readonly #quiet: boolean;
  readonly #secrets: string[];

  constructor(io: CliIo, flags: OutputFlags, secrets: string[] = []) {
    this.#io = io;
    this.#json = flags.json === true;
    this.#quiet = flags.quiet === true;
    this.#secrets = secrets;
  }

  /** Where progress bars draw, or undefined when they should not draw at all. */
  get progressStream(): CliStream | undefined {
    return this.#quiet ? undefined : this.#io.stderr;
  }

  /** Informational lines (resume hints, what was reused): stderr, silent with --quiet. */
  note(text: string): void {
    if (!this.#quiet) this.#io.stderr.write(`${this.#scrub(text)}\n`);
  }

  /** A warning that must be seen even with --quiet. */
  warn(text: string): void {
    this.#io.stderr.write(`warning: ${this.#scrub(text)}\n`);
  }

  /** The command's result: the JSON object with --json, else the human text (unless --quiet). */
  result(human: string, json: unknown): void {
    if (this.#json) this.#io.stdout.write(`${this.#scrub(JSON.stringify(json))}\n`);
    else if (!this.#quiet && human) this.#io.stdout.write(`${this.#scrub(human)}\n`);
  }

  /** Prints a failure on stderr (and as {"error": ...} on stdout with --json); returns the exit code. */
  error(error: unknown): number {
    const code = error instanceof UsageError ? 2 : 1;
    this.#io.stderr.write(`${this.#scrub(describeError(error))}\n`);
    if (this.#json) this.#io.stdout.write(`${this.#scrub(JSON.stringify({ error: errorFields(error) }))}\n`);
    return code;
  }

  #scrub(text: string): string {
    let clean = text;
    for (const secret of this.#secrets) clean = clean.split(secret).join('***');
    return clean;
  }
}

/** One or two lines: the typed error's message (which already names the request id), plus a usage hint. */
export function describeError(error: unknown): string {
  if (error instanceof UsageError) {
    const help = error.command ? `oss-resumable ${error.command} --help` : 'oss-resumable --help';
    return `oss-resumable: ${error.message}\nRun '${help}' for usage.`;
  }
  if (error instanceof OssServiceError) {
    const rid = error.requestId && !error.message.includes(error.requestId) ? ` (request id ${error.requestId})` : '';
    return `error: ${error.message}${rid}`;
  }
  if (error instanceof Error) return `error: ${error.message}`;
  return `error: ${String(error)}`;
}

function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof OssServiceError) {
    return { name: error.name, message: error.message, status: error.status, code: error.code, requestId: error.requestId };
  }
  if (error instanceof OssError || error instanceof UsageError) return { name: error.name, message: error.message };
  if (error instanceof Error) return { name: error.name, message: error.message, code: (error as NodeJS.ErrnoException).code };
  return { name: 'Error', message: String(error) };
}
