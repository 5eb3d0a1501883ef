// The socket connector of every pool: undici's own, with one change for the first connection of
// the process, which keeps undici's HTTP/1.1 parser on V8's baseline WebAssembly compiler.
//
// Why: undici compiles its parser (llhttp, WebAssembly) synchronously inside the connect callback
// of its first connection, and V8 later recompiles the parser's hot functions with its optimizing
// tier (TurboFan): a transient of about 30 MiB of compiler memory, a quarter of the peak RSS of a
// large upload (bench/memory.mjs, 4 GiB: 129 → 100 MiB with this and ./undici.ts). The parser only
// reads response heads, a few hundred bytes per part, so the optimizing tier buys nothing there.
//
// How (measured on Node 20 / V8 11.3): a module compiled while dynamic tiering and tier-up are both
// off stays on the baseline tier for good. Dynamic tiering is captured per module when it is
// compiled, so it is switched back on right after that synchronous call: every module compiled
// later (hash-wasm's MD5 and CRC-64) tiers up as usual. Tier-up stays off, which only concerns
// modules compiled without dynamic tiering, i.e. the parser. A process started with its own wasm
// tiering flags is left alone. On another V8 the worst case is losing the saving, not correctness.
import { setFlagsFromString } from 'node:v8';
import { startedWithFlag } from '../process-flags.js';
import { buildConnector, type Connector } from './undici.js';

let parserCompiled = false;

export function connectorFor(timeoutMs: number): Connector {
  const connect = buildConnector({ timeout: timeoutMs });
  return (options, callback) =>
    connect(options, (...result) => {
      if (parserCompiled || result[0] !== null || !mayChangeWasmTiers()) return callback(...result);
      parserCompiled = true;
      setFlagsFromString('--no-wasm-dynamic-tiering --no-wasm-tier-up');
      try {
        callback(...result);
      } finally {
        setFlagsFromString('--wasm-dynamic-tiering');
      }
    });
}

/** False when the process was started with its own WebAssembly tiering flags: those are left alone. */
export function mayChangeWasmTiers(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  return !startedWithFlag(/liftoff|wasm[-_](tier|dynamic)/, execArgv, nodeOptions);
}
