// Deterministic fault injection. Rules are checked in the order they were added; a rule
// counts every request that matches its filter, lets the first `skip` of them pass, then
// fires on the next `times`. The first rule that fires decides the request's fate, and
// rules after it do not see that request.
import type { ApiName, FaultAction, FaultInjector, FaultRule } from './types.js';

const API_NAMES: readonly ApiName[] = [
  'InitiateMultipartUpload',
  'UploadPart',
  'ListParts',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListMultipartUploads',
  'PutObject',
  'HeadObject',
  'GetObject',
];

interface ActiveRule {
  rule: FaultRule;
  skip: number;
  times: number;
  matched: number;
  hits: number;
}

export interface FaultTarget {
  api: string;
  key: string | undefined;
  partNumber: number | undefined;
}

export class FaultRules implements FaultInjector {
  #rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    validateRule(rule);
    this.#rules.push({ rule, skip: rule.skip ?? 0, times: rule.times ?? 1, matched: 0, hits: 0 });
  }

  clear(): void {
    this.#rules = [];
  }

  pending(): number {
    return this.#rules.filter((r) => r.hits < r.times).length;
  }

  /** The action to apply to this request, if a rule fires. */
  take(target: FaultTarget): FaultAction | undefined {
    for (const active of this.#rules) {
      const { rule } = active;
      if (rule.api !== undefined && rule.api !== target.api) continue;
      if (rule.key !== undefined && rule.key !== target.key) continue;
      if (rule.partNumber !== undefined && rule.partNumber !== target.partNumber) continue;
      active.matched++;
      if (active.matched <= active.skip || active.hits >= active.times) continue;
      active.hits++;
      return rule.action;
    }
    return undefined;
  }
}

function validateRule(rule: FaultRule): void {
  if (rule.api !== undefined && !API_NAMES.includes(rule.api)) throw new Error(`unknown API ${JSON.stringify(rule.api)} in fault rule; use one of ${API_NAMES.join(', ')}`);
  if (rule.skip !== undefined && !(Number.isInteger(rule.skip) && rule.skip >= 0)) throw new Error('fault rule `skip` must be an integer >= 0');
  if (rule.times !== undefined && !(rule.times === Infinity || (Number.isInteger(rule.times) && rule.times >= 1))) {
    throw new Error('fault rule `times` must be an integer >= 1 or Infinity');
  }
  const action = rule.action;
  switch (action?.type) {
    case 'drop':
      if (!(Number.isInteger(action.afterBytes) && action.afterBytes >= 0)) throw new Error('drop fault needs afterBytes >= 0');
      return;
    case 'error':
      if (!(Number.isInteger(action.status) && action.status >= 300 && action.status <= 599)) throw new Error('error fault needs an HTTP status 300..599');
      if (!action.code) throw new Error('error fault needs an OSS error code, e.g. SlowDown');
      return;
    case 'stall':
      if (!(Number.isFinite(action.ms) && action.ms >= 0)) throw new Error('stall fault needs ms >= 0');
      return;
    case 'corrupt':
    case 'forget':
    case 'lose-response':
      return;
    default:
      throw new Error(`unknown fault action ${JSON.stringify((action as { type?: unknown })?.type)}; use drop, error, stall, corrupt, forget or lose-response`);
  }
}

const DEFAULT_CODE_FOR_STATUS: Record<number, string> = { 500: 'InternalError', 502: 'BadGateway', 503: 'SlowDown', 504: 'GatewayTimeout', 429: 'TooManyRequests' };

/**
 * `serve --fault` syntax: `API[#PART]:ACTION[:ARGS][*TIMES][+SKIP]`, e.g.
 * 'UploadPart:drop:65536', 'UploadPart#3:error:503:SlowDown', 'CompleteMultipartUpload:stall:2000',
 * 'UploadPart:corrupt', 'ListParts:forget', 'UploadPart:error:500*inf', 'UploadPart:drop:0*2+1'.
 * API may be `*` for any request.
 */
export function parseFaultSpec(spec: string): FaultRule {
  let rest = spec.trim();
  let times: number | undefined;
  let skip: number | undefined;
  for (;;) {
    const suffix = /([*+])(\d+|inf|Infinity)$/.exec(rest);
    if (!suffix) break;
    const n = suffix[2] === 'inf' || suffix[2] === 'Infinity' ? Infinity : Number(suffix[2]);
    if (suffix[1] === '*') {
      if (times !== undefined) throw new Error(`fault spec ${JSON.stringify(spec)} gives *TIMES twice`);
      times = n;
    } else {
      if (skip !== undefined || n === Infinity) throw new Error(`fault spec ${JSON.stringify(spec)} has a bad +SKIP`);
      skip = n;
    }
    rest = rest.slice(0, suffix.index);
  }
  const [target = '', actionName = '', ...args] = rest.split(':');
  const targetMatch = /^([A-Za-z]+|\*)(?:#(\d+))?$/.exec(target);
  if (!targetMatch) throw new Error(`fault spec ${JSON.stringify(spec)}: expected API[#PART]:ACTION, e.g. UploadPart#3:error:503:SlowDown`);
  const rule: FaultRule = { action: parseAction(spec, actionName, args) };
  if (targetMatch[1] !== '*') rule.api = targetMatch[1] as ApiName;
  if (targetMatch[2] !== undefined) rule.partNumber = Number(targetMatch[2]);
  if (times !== undefined) rule.times = times;
  if (skip !== undefined) rule.skip = skip;
  validateRule(rule);
  return rule;
}

function parseAction(spec: string, name: string, args: string[]): FaultAction {
  const int = (value: string | undefined, what: string): number => {
    if (value === undefined || !/^\d+$/.test(value)) throw new Error(`fault spec ${JSON.stringify(spec)}: ${what} must be a non-negative integer`);
    return Number(value);
  };
  const expectArgs = (count: number): void => {
    if (args.length > count) throw new Error(`fault spec ${JSON.stringify(spec)}: too many arguments for ${name}`);
  };
  switch (name) {
    case 'drop':
      expectArgs(1);
      return { type: 'drop', afterBytes: int(args[0], 'drop bytes') };
    case 'error': {
      expectArgs(2);
      const status = int(args[0], 'error status');
      const code = args[1] ?? DEFAULT_CODE_FOR_STATUS[status];
      if (!code) throw new Error(`fault spec ${JSON.stringify(spec)}: give the OSS error code, e.g. error:${status}:InternalError`);
      return { type: 'error', status, code };
    }
    case 'stall':
      expectArgs(1);
      return { type: 'stall', ms: int(args[0], 'stall milliseconds') };
    case 'corrupt':
      expectArgs(0);
      return { type: 'corrupt' };
    case 'forget':
      expectArgs(0);
      return { type: 'forget' };
    case 'lose-response':
      expectArgs(0);
      return { type: 'lose-response' };
    default:
      throw new Error(`fault spec ${JSON.stringify(spec)}: unknown action ${JSON.stringify(name)}; use drop, error, stall, corrupt, forget or lose-response`);
  }
}
