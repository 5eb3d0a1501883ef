// The policy of a PostObject form: base64 JSON {expiration, conditions}. Conditions are
// {"field": "value"} and ["eq" | "starts-with" | "in" | "not-in", "$field", value] over the form's
// fields (and the bucket), and ["content-length-range", min, max] over the file's size.
import { MockOssError } from '../mock-error.js';

export interface PostPolicy {
  expiresMs: number;
  conditions: unknown[];
  /** From content-length-range; undefined when the policy sets none. */
  lengthRange: { min: number; max: number } | undefined;
}

const invalidPolicy = (why: string): MockOssError => new MockOssError(400, 'InvalidPolicyDocument', `Invalid Policy: ${why}.`);
const conditionFailed = (condition: unknown): MockOssError =>
  new MockOssError(403, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`);

export function parsePostPolicy(encoded: string): PostPolicy {
  let policy: unknown;
  try {
    policy = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('the policy is not base64-encoded JSON');
  }
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) throw invalidPolicy('the policy is not a JSON object');
  const { expiration, conditions } = policy as { expiration?: unknown; conditions?: unknown };
  const expiresMs = typeof expiration === 'string' ? Date.parse(expiration) : NaN;
  if (Number.isNaN(expiresMs)) throw invalidPolicy("Invalid 'expiration' value: it must be an ISO 8601 time");
  if (!Array.isArray(conditions)) throw invalidPolicy("'conditions' must be an array");
  let lengthRange: PostPolicy['lengthRange'];
  for (const condition of conditions) {
    if (Array.isArray(condition) && String(condition[0]).toLowerCase() === 'content-length-range') {
      const [, min, max] = condition.map(Number);
      if (!(Number.isInteger(min) && Number.isInteger(max) && min! >= 0 && max! >= min!)) throw invalidPolicy(`${JSON.stringify(condition)} needs two whole numbers, min <= max`);
      lengthRange = { min: min!, max: max! };
    }
  }
  return { expiresMs, conditions, lengthRange };
}

/** Checks every field condition; `fields` has lower-case names and includes `bucket`. */
export function checkPolicyConditions(policy: PostPolicy, fields: Record<string, string>): void {
  const field = (name: unknown): string => fields[String(name).replace(/^\$/, '').toLowerCase()] ?? '';
  for (const condition of policy.conditions) {
    if (Array.isArray(condition)) {
      const [operator, name, expected] = condition as [unknown, unknown, unknown];
      const value = field(name);
      const list = Array.isArray(expected) ? expected.map(String) : undefined;
      switch (String(operator).toLowerCase()) {
        case 'content-length-range':
          continue; // checked against the file's size
        case 'eq':
          if (value !== String(expected)) throw conditionFailed(condition);
          continue;
        case 'starts-with':
          if (!value.startsWith(String(expected))) throw conditionFailed(condition);
          continue;
        case 'in':
          if (!list?.includes(value)) throw conditionFailed(condition);
          continue;
        case 'not-in':
          if (!list || list.includes(value)) throw conditionFailed(condition);
          continue;
        default:
          throw invalidPolicy(`unknown condition ${JSON.stringify(condition)}`);
      }
    }
    if (typeof condition !== 'object' || condition === null) throw invalidPolicy(`condition ${JSON.stringify(condition)} is neither an object nor an array`);
    for (const [name, expected] of Object.entries(condition)) {
      if (field(name) !== String(expected)) throw conditionFailed({ [name]: expected });
    }
  }
}

/** content-length-range, checked once the file's size is known. */
export function checkPolicyLength(policy: PostPolicy, size: number): void {
  const range = policy.lengthRange;
  if (!range) return;
  if (size > range.max) throw new MockOssError(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.', { ProposedSize: String(size), MaxSizeAllowed: String(range.max) });
  if (size < range.min) throw new MockOssError(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size.', { ProposedSize: String(size), MinSizeAllowed: String(range.min) });
}
