// The transport loads only the pieces of undici it uses (lib/transport/undici.ts) and keeps
// undici's HTTP parser off V8's optimizing tier (lib/transport/connector.ts). These tests pin
// both: the pieces are undici's own public functions, its main entry stays unloaded, and
// processes started with their own WebAssembly tiering flags are left alone.
import t from 'tap';
import { createRequire } from 'node:module';
import { OssClient } from '../lib/client.js';
import { Pool, buildConnector } from '../lib/transport/undici.js';
import { mayChangeWasmTiers } from '../lib/transport/connector.js';
import { startScriptedServer, ok } from './helpers/scripted-server.js';

const require = createRequire(import.meta.url);
const INIT_XML = '<?xml version="1.0"?><InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>k</Key><UploadId>UP1</UploadId></InitiateMultipartUploadResult>';

// Runs first, before anything in this file imports undici's main entry.
t.test('requests go through without loading undici main entry (fetch, WebSocket, cache, mocks)', async (t) => {
  const server = await startScriptedServer();
  t.teardown(() => server.close());
  const client = new OssClient({ endpoint: server.url, bucket: 'bkt', credentials: { accessKeyId: 'ak', accessKeySecret: 'sk' } });
  t.teardown(() => client.close());
  server.script(ok({}, INIT_XML));
  const result = await client.initiateMultipartUpload({ key: 'k' });
  t.equal(result.uploadId, 'UP1');
  const mainEntry = require.resolve('undici');
  t.notOk(require.cache[mainEntry], `${mainEntry} was loaded`);
  t.ok(require.cache[require.resolve('undici/lib/dispatcher/pool.js')], 'the Pool came from its own file');
});

t.test("the pieces are undici's own: the same functions its main entry exports", async (t) => {
  const undici = (await import('undici')).default;
  t.equal(Pool, undici.Pool);
  t.equal(buildConnector, undici.buildConnector);
  // The main entry copies its request API onto Dispatcher.prototype; the transport calls it directly.
  t.equal(require('undici/lib/api/api-request.js'), undici.Dispatcher.prototype.request);
});

t.test('WebAssembly tiering flags given to the process are left alone', async (t) => {
  t.equal(mayChangeWasmTiers([], ''), true, 'no flags: the parser may be kept on the baseline tier');
  t.equal(mayChangeWasmTiers(['--max-old-space-size=512'], '--enable-source-maps'), true, 'unrelated flags');
  for (const flag of ['--liftoff-only', '--no-liftoff', '--wasm-tier-up', '--no-wasm-dynamic-tiering', '--wasm_tier_up']) {
    t.equal(mayChangeWasmTiers([flag], ''), false, `${flag} on the command line`);
    t.equal(mayChangeWasmTiers([], `--max-old-space-size=512 ${flag}`), false, `${flag} in NODE_OPTIONS`);
  }
});
