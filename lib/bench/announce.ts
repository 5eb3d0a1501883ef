// What the bench says before it uploads anything: the sweep, how much it will send, where its
// keys go, and, for an endpoint that is not this machine's, that it may be billed.
import { formatBytes, sizeAsTyped } from '../cli/format.js';
import { AUTO_SIZE_MAX, type BenchConfiguration } from './plan.js';

export interface AnnounceInput {
  configurations: BenchConfiguration[];
  runs: number;
  /** Bytes per upload; undefined when the warm-up will choose. */
  size: number | undefined;
  file: { path: string; size: number } | undefined;
  bucket: string;
  runPrefix: string;
  endpoint: string;
  /** Against --local's mock. */
  local: boolean;
  keep: boolean;
}

export interface Announcement {
  plan: string;
  /** Undefined for --local and loopback endpoints. */
  billing: string | undefined;
}

export function announcement(input: AnnounceInput): Announcement {
  const sizes = [...new Set(input.configurations.map((c) => sizeAsTyped(c.partSize)))].join(', ');
  const parallels = [...new Set(input.configurations.map((c) => c.parallel))].join(', ');
  const uploads = input.configurations.length * input.runs;
  const each = input.file?.size ?? input.size;
  const amount = each === undefined ? `up to ${formatBytes(uploads * AUTO_SIZE_MAX)} (each upload sized after the warm-up)` : formatBytes(uploads * each);
  const data = input.file ? `the file ${input.file.path}` : 'generated data';
  const plan = `bench: part sizes ${sizes} × parallel ${parallels}, ${input.runs} run${input.runs === 1 ? '' : 's'} each: ${uploads} upload${uploads === 1 ? '' : 's'} of ${data}, ${amount} plus a warm-up, to oss://${input.bucket}/${input.runPrefix}`;
  if (input.local || isLoopbackEndpoint(input.endpoint)) return { plan, billing: undefined };
  const kept = input.keep ? 'With --keep the objects stay, and are stored at your cost, until you delete them.' : 'Each object is deleted as soon as it is measured.';
  const billing = `this uploads ${amount} to ${input.endpoint}, which may be billed: OSS charges for requests (${requestCount(input, each)} here) and for storage while objects exist, and some networks and endpoints (transfer acceleration, cross-region) charge for the traffic. ${kept}`;
  return { plan, billing };
}

/** This machine: nobody bills that traffic. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** Parts plus Initiate, Complete and DeleteObject per upload. */
function requestCount(input: AnnounceInput, each: number | undefined): string {
  if (each === undefined) return 'one per part and three per upload';
  const perRound = input.configurations.reduce((sum, c) => sum + Math.ceil(each / c.partSize) + 3, 0);
  return `about ${input.runs * perRound}`;
}
