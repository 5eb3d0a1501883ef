// Behaviour OSS has beyond single APIs: authentication before NotImplemented, and malformed
// framing answered in OSS's XML rather than by Node's HTTP parser.
import t from 'tap';
import { BUCKET, ossRequest, withMockServer, xmlField } from './mock-server-helpers.js';

t.test('authentication comes before NotImplemented: 403 unsigned or badly signed, 501 only when signed', async (t) => {
  const server = await withMockServer(t);
  const call = { method: 'GET', bucket: BUCKET, key: 'image.png', query: { 'x-oss-process': 'image/resize,w_10' } };
  const unsigned = await ossRequest(server, { ...call, sign: 'none' });
  t.equal(unsigned.status, 403);
  t.equal(xmlField(unsigned.text, 'Code'), 'AccessDenied');
  const wrong = await ossRequest(server, { ...call, creds: { accessKeyId: 'mock-access-key-id', accessKeySecret: 'not-the-secret' } });
  t.equal(xmlField(wrong.text, 'Code'), 'SignatureDoesNotMatch');
  for (const sign of ['v1', 'v4'] as const) {
    const signed = await ossRequest(server, { ...call, sign });
    t.equal(signed.status, 501, `${sign}: signed, then refused`);
    t.equal(xmlField(signed.text, 'Code'), 'NotImplemented');
  }
});
