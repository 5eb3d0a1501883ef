// RestoreObject: POST /<key>?restore on an Archive, ColdArchive or DeepColdArchive object. Such an
// object refuses GET (InvalidObjectState) until a restore has finished; the restore takes the
// server's restoreDelayMs, then the copy stays readable for <Days> days. HEAD shows progress in
// x-oss-restore, listings in <RestoreInfo>.
import type { RequestContext } from '../context.js';
import { invalidArgument, malformedXml, MockOssError } from '../mock-error.js';
import { send } from '../responses.js';
import type { ObjectRecord } from '../store.js';
import { requireObjectRecord, updateObject } from './object-update.js';
import { parseRequestXml, readSmallBody } from './request-xml.js';

export const ARCHIVED_CLASSES = ['Archive', 'ColdArchive', 'DeepColdArchive'];
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_DAYS: Record<string, number> = { Archive: 7, ColdArchive: 365, DeepColdArchive: 365 };
const TIERS: Record<string, string[]> = { ColdArchive: ['Expedited', 'Standard', 'Bulk'], DeepColdArchive: ['Expedited', 'Standard'] };

export function storageClassOf(record: ObjectRecord): string {
  return record.headers['x-oss-storage-class'] ?? 'Standard';
}

type RestoreProgress = 'none' | 'ongoing' | 'restored';

function progressOf(record: ObjectRecord, nowMs: number): RestoreProgress {
  const restore = record.restore;
  if (!restore || nowMs >= restore.expiresAt) return 'none';
  return nowMs < restore.readyAt ? 'ongoing' : 'restored';
}

/** The restore's state as OSS writes it in x-oss-restore and <RestoreInfo>; undefined if none. */
export function restoreInfo(record: ObjectRecord, nowMs: number): string | undefined {
  switch (progressOf(record, nowMs)) {
    case 'none':
      return undefined;
    case 'ongoing':
      return 'ongoing-request="true"';
    case 'restored':
      return `ongoing-request="false", expiry-date="${new Date(record.restore!.expiresAt).toUTCString()}"`;
  }
}

export function restoreHeader(record: ObjectRecord, nowMs: number): Record<string, string> {
  const info = restoreInfo(record, nowMs);
  return info === undefined ? {} : { 'x-oss-restore': info };
}

/** GET (and copying) an archived object needs a finished, unexpired restore. */
export function requireReadable(record: ObjectRecord, nowMs: number): void {
  if (!ARCHIVED_CLASSES.includes(storageClassOf(record)) || progressOf(record, nowMs) === 'restored') return;
  throw new MockOssError(403, 'InvalidObjectState', `The operation is not valid for the object's state: it is a ${storageClassOf(record)} object; restore it first (RestoreObject).`, {}, '0026-00000031');
}

interface RestoreRequest {
  days: number;
  tier: string | undefined;
}

function parseRestoreRequest(xml: string | undefined, storageClass: string): RestoreRequest {
  if (xml === undefined) return { days: 1, tier: undefined };
  const { days, tier } = parseRequestXml(xml, 'RestoreRequest', (root) => {
    const jobParameters = root.children('JobParameters');
    if (jobParameters.length > 1) root.fail('<RestoreRequest> has more than one <JobParameters>');
    return { days: root.optionalText('Days'), tier: jobParameters[0]?.text('Tier') };
  });
  if (tier !== undefined && storageClass === 'Archive') throw malformedXml('JobParameters is only for ColdArchive and DeepColdArchive objects');
  const maxDays = MAX_DAYS[storageClass]!;
  if (days !== undefined && !(/^\d{1,4}$/.test(days.trim()) && Number(days) >= 1 && Number(days) <= maxDays)) {
    throw invalidArgument('Days', days, `Days must be a whole number from 1 to ${maxDays} for a ${storageClass} object.`);
  }
  const tiers = TIERS[storageClass] ?? [];
  if (tier !== undefined && !tiers.includes(tier)) throw invalidArgument('Tier', tier, `Tier must be one of ${tiers.join(', ')} for a ${storageClass} object.`);
  return { days: days === undefined ? 1 : Number(days), tier };
}

export async function restoreObject(ctx: RequestContext): Promise<void> {
  const { clock, restoreDelayMs } = ctx.server;
  const storageClass = storageClassOf(requireObjectRecord(ctx));
  if (!ARCHIVED_CLASSES.includes(storageClass)) {
    throw new MockOssError(400, 'OperationNotSupported', `The operation is not supported for this resource: only Archive, ColdArchive and DeepColdArchive objects can be restored, this one is ${storageClass}.`, {}, '0016-00000702');
  }
  const request = parseRestoreRequest(await readSmallBody(ctx), storageClass);
  let status = 202;
  await updateObject(ctx, (record) => {
    const now = clock.nowMs();
    switch (progressOf(record, now)) {
      case 'ongoing':
        throw new MockOssError(409, 'RestoreAlreadyInProgress', 'The restore operation is in progress.', {}, '0016-00000703');
      case 'restored':
        // Restoring a restored object extends how long it stays readable.
        status = 200;
        return { ...record, restore: { readyAt: record.restore!.readyAt, expiresAt: now + request.days * DAY_MS } };
      case 'none': {
        const readyAt = now + restoreDelayMs;
        return { ...record, restore: { readyAt, expiresAt: readyAt + request.days * DAY_MS } };
      }
    }
  });
  await send(ctx, status, storageClass === 'Archive' ? {} : { 'x-oss-object-restore-priority': request.tier ?? 'Standard' });
}
