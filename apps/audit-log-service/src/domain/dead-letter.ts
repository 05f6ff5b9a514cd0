import { CLOUDEVENTS_HEADER_PREFIX, DEAD_LETTER_SUFFIX, Headers } from '@app/contracts';

/** A dead-letter record as the audit log keeps it: the original message and why it failed. */
export interface CollectedDeadLetter {
  dltTopic: string;
  dltPartition: number;
  dltOffset: string;
  originalTopic: string;
  originalPartition: number | null;
  originalOffset: string | null;
  consumerGroup: string | null;
  tenantId: string | null;
  messageId: string | null;
  key: Buffer | null;
  value: Buffer | null;
  /** The original headers (without the dlt-* ones). */
  headers: Record<string, string>;
  error: string;
  errorKind: string | null;
  attempts: number | null;
  failedAt: Date;
}

/** What kafkajs hands a consumer, as far as this needs it. */
export interface RawRecord {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers?: Record<string, Buffer | string | Array<Buffer | string> | undefined>;
}

const DLT_HEADER = /^dlt-/;
const MAX_ERROR = 4000;
const MAX_ID = 200;

/**
 * Reads a record of `<topic>.dlt` (logical name). The original topic is the dead-letter topic's
 * name without its suffix, never a header, so a replay can only go where the message came from.
 * The tenant is the `tenant-id` header, else the value's `tenantId` (commands, request records)
 * or `tenantid` (CloudEvents); the failure time `dlt-failed-at`, else the record's timestamp.
 */
export function collectDeadLetter(dltTopic: string, partition: number, record: RawRecord): CollectedDeadLetter {
  if (!dltTopic.endsWith(DEAD_LETTER_SUFFIX)) throw new Error(`${dltTopic} is not a dead-letter topic`);
  const all = stringHeaders(record.headers);
  const headers = Object.fromEntries(Object.entries(all).filter(([k]) => !DLT_HEADER.test(k)));
  const failedAt = parseTime(all[Headers.dltFailedAt]) ?? parseTime(new Date(Number(record.timestamp)).toISOString()) ?? new Date();
  return {
    dltTopic,
    dltPartition: partition,
    dltOffset: record.offset,
    originalTopic: dltTopic.slice(0, -DEAD_LETTER_SUFFIX.length),
    originalPartition: integerOrNull(all[Headers.dltOriginalPartition]),
    originalOffset: /^\d{1,19}$/.test(all[Headers.dltOriginalOffset] ?? '') ? all[Headers.dltOriginalOffset] : null,
    consumerGroup: clip(all[Headers.dltConsumerGroup], 255),
    tenantId: clip(all[Headers.tenantId] ?? all[`${CLOUDEVENTS_HEADER_PREFIX}tenantid`] ?? tenantOfValue(record.value), 100),
    messageId: clip(all[Headers.messageId], MAX_ID),
    key: record.key,
    value: record.value,
    headers,
    error: (all[Headers.dltError] ?? 'no dlt-error header').slice(0, MAX_ERROR),
    errorKind: clip(all[Headers.dltErrorKind], 40),
    attempts: integerOrNull(all[Headers.dltAttempts]),
    failedAt,
  };
}

function stringHeaders(headers: RawRecord['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}

function tenantOfValue(value: Buffer | null): string | undefined {
  if (value === null || value.length > 1_048_576) return undefined;
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const o = parsed as Record<string, unknown>;
    const tenant = o.tenantId ?? o.tenantid;
    return typeof tenant === 'string' ? tenant : undefined;
  } catch {
    return undefined;
  }
}

function integerOrNull(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,9}$/.test(text)) return null;
  return Number(text);
}

function clip(text: string | undefined, max: number): string | null {
  return text === undefined || text === '' ? null : text.slice(0, max);
}

function parseTime(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) || t < 0 || t > 253402300799999 ? undefined : new Date(t);
}

/** How a stored value is shown: UTF-8 text when it is, else base64. */
export function showValue(value: Buffer | null, limit?: number): { value: string | null; valueEncoding: 'utf8' | 'base64'; valueTruncated: boolean; valueBytes: number } {
  if (value === null) return { value: null, valueEncoding: 'utf8', valueTruncated: false, valueBytes: 0 };
  const text = value.toString('utf8');
  const utf8 = Buffer.from(text, 'utf8').equals(value);
  const shown = utf8 ? text : value.toString('base64');
  const truncated = limit !== undefined && shown.length > limit;
  return { value: truncated ? shown.slice(0, limit) : shown, valueEncoding: utf8 ? 'utf8' : 'base64', valueTruncated: truncated, valueBytes: value.length };
}
