#!/usr/bin/env node
// The part of `npm run build` that tsc does not do: the committed WebAssembly builds in lib/
// (the MD5 kernel) are copied to the same place under dist/, where the compiled modules load them.
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
for (const file of readdirSync(join(ROOT, 'lib'), { recursive: true, encoding: 'utf8' })) {
  if (file.endsWith('.wasm')) cpSync(join(ROOT, 'lib', file), join(ROOT, 'dist', file));
}
