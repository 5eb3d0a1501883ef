// Reads an object back through the client under test, to compare it with the file byte for byte.
import type { OssClient } from '../../lib/client.js';

export async function objectBytes(client: OssClient, key: string): Promise<Buffer> {
  const { body } = await client.getObject({ key });
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
