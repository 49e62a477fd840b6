/**
 * Kubernetes audit logs (audit.k8s.io/v1 `Event`, one JSON object a line, as the log backend
 * writes them), read as a stream: each request is counted once, and every malformed line costs
 * only itself (reported as `file:line: message`).
 *
 * Counting: a request is counted at its `ResponseComplete` or `Panic` event (or at an event
 * without a stage, as some exporters strip it). `RequestReceived` and `ResponseStarted` events are
 * remembered by auditID until the request completes; a request that only reached `ResponseStarted`
 * when the log ends (a watch still open at rotation) is counted from that event, since the
 * authorizer had allowed it. Repeated completions of one auditID (log shippers resend) are dropped
 * while the auditID is among the last 100,000 seen.
 *
 * Allowed or denied: the `authorization.k8s.io/decision` annotation when the log has it (`forbid`
 * → denied by the authorizer; `allow` → authorized, even if admission then answered 403), else the
 * response code (403 → denied). 401s are requests that never authenticated: skipped.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import type { RbacRequest, UserInfo } from '../index.js';
import { convertEvent, isObject, str, timeBefore, type AuditEvent, type Converted } from './audit-event.js';

export { convertEvent, timeBefore, type AuditEvent } from './audit-event.js';

/** A counted request as the authorizer saw it, and how it ended. */
export interface AuditRequest {
  /** The user the authorizer asked about (the impersonated user for impersonated requests). */
  user: Required<UserInfo>;
  request: RbacRequest;
  /** The authorizer allowed it. */
  allowed: boolean;
  /** Authorized, but the response was 403 anyway (admission, quota…). */
  rejectedAfterAuthorization?: boolean;
  code?: number;
  /** `authorization.k8s.io/reason`, when the log has it. */
  reason?: string;
  /** `requestReceivedTimestamp` (or `stageTimestamp`) as written. */
  time?: string;
  /** True for the `impersonate` checks made for an impersonating user. */
  impersonation?: boolean;
  file: string;
  line: number;
}

export interface AuditSource {
  /** File name, or `-` for `stream`. */
  name: string;
  /** Read this instead of opening `name` (stdin, tests). */
  stream?: NodeJS.ReadableStream;
}

export interface AuditLineError {
  file: string;
  /** Absent for errors about the whole file (cannot open it…). */
  line?: number;
  message: string;
}

export interface AuditReadSummary {
  files: string[];
  lines: number;
  /** Audit events read (every stage). */
  events: number;
  /** Requests counted (each once). */
  requests: number;
  /** Completions of an auditID already counted. */
  duplicates: number;
  /** Requests counted from their ResponseStarted event: the log ends before they complete. */
  startedOnly: number;
  /** Requests seen only at RequestReceived when the log ends: not counted (the outcome is unknown). */
  unfinished: number;
  /** 401 responses and events without a user name: never authenticated, not counted. */
  unauthenticated: number;
  /** Earliest `requestReceivedTimestamp` and latest `stageTimestamp` of counted requests. */
  from?: string;
  to?: string;
  /** The first MAX_ERRORS errors; `errorCount` counts them all. */
  errors: AuditLineError[];
  errorCount: number;
}

export interface ReadAuditOptions {
  /** Called once per counted request (impersonated requests give the impersonation checks as well). */
  onRequest: (request: AuditRequest) => void;
  /** Longest line read, in bytes; longer lines are skipped with an error (default 64 MiB). */
  maxLineBytes?: number;
  /** Called about every 64 MiB with the bytes and lines read so far. */
  onProgress?: (bytes: number, lines: number) => void;
}

export const MAX_ERRORS = 100;
const MAX_PENDING = 100_000;
const MAX_RECENT = 100_000;
const DEFAULT_MAX_LINE = 64 * 1024 * 1024;
const AUDIT_GROUP = 'audit.k8s.io/';


/** Reads every source in turn, calling `onRequest` for each counted request. Never throws for bad input. */
export async function readAuditLogs(sources: readonly AuditSource[], options: ReadAuditOptions): Promise<AuditReadSummary> {
  const summary: AuditReadSummary = {
    files: sources.map((s) => s.name), lines: 0, events: 0, requests: 0, duplicates: 0, startedOnly: 0, unfinished: 0, unauthenticated: 0, errors: [], errorCount: 0,
  };
  const error = (file: string, line: number | undefined, message: string): void => {
    summary.errorCount++;
    if (summary.errors.length < MAX_ERRORS) summary.errors.push(line === undefined ? { file, message } : { file, line, message });
  };
  // auditID → the request as of its latest non-final stage
  const pending = new Map<string, { started: false } | { started: true; converted: Converted; event: AuditEvent }>();
  const recent = new Set<string>();
  const emit = (converted: Converted, event: AuditEvent): void => {
    if (converted.unauthenticated) {
      summary.unauthenticated++;
      return;
    }
    summary.requests++;
    const start = str(event.requestReceivedTimestamp) ?? str(event.stageTimestamp);
    const end = str(event.stageTimestamp) ?? start;
    if (start !== undefined && (summary.from === undefined || timeBefore(start, summary.from))) summary.from = start;
    if (end !== undefined && (summary.to === undefined || timeBefore(summary.to, end))) summary.to = end;
    for (const request of converted.requests) options.onRequest(request);
  };
  // the last MAX_RECENT auditIDs counted, oldest first in a ring (evicting from the front of a Set
  // would walk over its deleted entries every time)
  const ring: string[] = [];
  let ringNext = 0;
  const remember = (id: string): void => {
    if (recent.has(id)) return;
    recent.add(id);
    if (ring.length < MAX_RECENT) ring.push(id);
    else {
      recent.delete(ring[ringNext]!);
      ring[ringNext] = id;
      ringNext = (ringNext + 1) % MAX_RECENT;
    }
  };
  const onEvent = (event: AuditEvent, file: string, line: number): void => {
    summary.events++;
    const stage = event.stage;
    if (stage !== undefined && typeof stage !== 'string') return error(file, line, 'stage is not a string');
    if (stage === 'RequestReceived') {
      // only remembered, to count requests the log never shows completing
      const id = typeof event.auditID === 'string' && event.auditID ? event.auditID : undefined;
      if (id !== undefined && !recent.has(id) && !pending.has(id)) {
        pending.set(id, { started: false });
        if (pending.size > MAX_PENDING) finishPending(pending.keys().next().value!);
      }
      return;
    }
    const converted = convertEvent(event, file, line);
    if ('error' in converted) return error(file, line, converted.error);
    const id = typeof event.auditID === 'string' && event.auditID ? event.auditID : undefined;
    switch (stage) {
      case undefined:
      case 'ResponseComplete':
      case 'Panic':
        if (id !== undefined) {
          pending.delete(id);
          if (recent.has(id)) {
            summary.duplicates++;
            return;
          }
          remember(id);
        }
        emit(converted, event);
        return;
      case 'ResponseStarted':
        if (id === undefined || recent.has(id)) return;
        // a later stage replaces an earlier one (Map order: re-insert to keep the oldest first)
        pending.delete(id);
        pending.set(id, { started: true, converted, event });
        if (pending.size > MAX_PENDING) finishPending(pending.keys().next().value!);
        return;
      default:
        return error(file, line, `unknown stage ${JSON.stringify(stage)} (RequestReceived, ResponseStarted, ResponseComplete or Panic)`);
    }
  };
  const finishPending = (id: string): void => {
    const entry = pending.get(id)!;
    pending.delete(id);
    if (entry.started) {
      summary.startedOnly++;
      remember(id);
      emit(entry.converted, entry.event);
    } else summary.unfinished++;
  };

  for (const source of sources) {
    await readSource(source, options, summary, onEvent, error);
  }
  for (const id of [...pending.keys()]) finishPending(id);
  return summary;
}

async function readSource(
  source: AuditSource,
  options: ReadAuditOptions,
  summary: AuditReadSummary,
  onEvent: (event: AuditEvent, file: string, line: number) => void,
  error: (file: string, line: number | undefined, message: string) => void,
): Promise<void> {
  const file = source.name;
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  let stream: Readable;
  try {
    stream = (source.stream ?? createReadStream(file, { highWaterMark: 1 << 20 })) as Readable;
  } catch (e) {
    error(file, undefined, (e as Error).message);
    return;
  }
  const input = maybeGunzip(stream);

  let lineNo = 0;
  let bytes = 0;
  let nextProgress = 64 * 1024 * 1024;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let skipping = false; // inside a line longer than maxLine
  const handleLine = (buf: Buffer, start: number, end: number): void => {
    lineNo++;
    summary.lines++;
    if (end > start && buf[end - 1] === 13) end--; // CRLF
    if (end <= start) return;
    const text = buf.toString('utf8', start, end);
    handleText(text, file, lineNo, onEvent, error);
  };
  try {
    for await (const chunk of input) {
      bytes += chunk.length;
      let pos = 0;
      while (pos < chunk.length) {
        const nl = chunk.indexOf(10, pos);
        if (nl === -1) {
          if (!skipping) {
            carry.push(pos === 0 ? chunk : chunk.subarray(pos));
            carryBytes += chunk.length - pos;
            if (carryBytes > maxLine) {
              skipping = true;
              carry = [];
              carryBytes = 0;
            }
          }
          break;
        }
        if (skipping) {
          lineNo++;
          summary.lines++;
          error(file, lineNo, `line longer than ${maxLine} bytes; skipped`);
          skipping = false;
        } else if (carry.length) {
          carry.push(chunk.subarray(pos, nl));
          const whole = Buffer.concat(carry);
          carry = [];
          carryBytes = 0;
          if (whole.length > maxLine) {
            lineNo++;
            summary.lines++;
            error(file, lineNo, `line longer than ${maxLine} bytes; skipped`);
          } else handleLine(whole, 0, whole.length);
        } else if (nl - pos > maxLine) {
          lineNo++;
          summary.lines++;
          error(file, lineNo, `line longer than ${maxLine} bytes; skipped`);
        } else handleLine(chunk, pos, nl);
        pos = nl + 1;
      }
      if (options.onProgress && bytes >= nextProgress) {
        nextProgress += 64 * 1024 * 1024;
        options.onProgress(bytes, summary.lines);
      }
    }
    if (skipping) {
      lineNo++;
      summary.lines++;
      error(file, lineNo, `line longer than ${maxLine} bytes; skipped`);
    } else if (carry.length) {
      const whole = Buffer.concat(carry);
      handleLine(whole, 0, whole.length);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const message = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory, not an audit log' : err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR' ? `not a valid gzip file (${err.message})` : err.message;
    error(file, lineNo > 0 ? lineNo + 1 : undefined, message);
  }
}

/**
 * A RequestReceived event exactly as the API server writes it (fields in its order): only its
 * auditID matters (the request is counted at a later stage), so such lines are not parsed — half
 * the lines of a log that keeps that stage. Anything else goes through JSON.parse.
 */
const RECEIVED = /^\{"kind":"Event","apiVersion":"audit\.k8s\.io\/v1(?:beta1)?","level":"[A-Za-z]+","auditID":"([0-9a-fA-F-]+)","stage":"RequestReceived",/;

/** The bytes of a stream (strings are UTF-8 encoded), gunzipped when they start with gzip's magic number (rotated logs, from a file or stdin). */
async function* maybeGunzip(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  const head: Buffer[] = [];
  let headBytes = 0;
  const it = stream[Symbol.asyncIterator]();
  while (headBytes < 2) {
    const next = await it.next();
    if (next.done) break;
    const buf = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    head.push(buf);
    headBytes += buf.length;
  }
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield* head;
    for (let next = await it.next(); !next.done; next = await it.next()) yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
  };
  const first = Buffer.concat(head.slice(0, 2));
  if (first[0] !== 0x1f || first[1] !== 0x8b) {
    yield* rest();
    return;
  }
  const gunzip = createGunzip();
  const source = Readable.from(rest());
  source.on('error', (e) => gunzip.destroy(e));
  yield* source.pipe(gunzip) as AsyncIterable<Buffer>;
}

function handleText(
  text: string,
  file: string,
  line: number,
  onEvent: (event: AuditEvent, file: string, line: number) => void,
  error: (file: string, line: number | undefined, message: string) => void,
): void {
  if (text.charCodeAt(text.length - 1) === 125) {
    const received = RECEIVED.exec(text);
    if (received) return onEvent({ auditID: received[1], stage: 'RequestReceived' }, file, line);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const blank = text.trim() === '';
    if (blank) return;
    error(file, line, `not JSON (${(e as Error).message})`);
    return;
  }
  if (!isObject(value)) return error(file, line, 'not a JSON object');
  const kind = value.kind;
  const apiVersion = value.apiVersion;
  if (apiVersion !== undefined && (typeof apiVersion !== 'string' || !apiVersion.startsWith(AUDIT_GROUP))) {
    return error(file, line, `not an audit event (apiVersion ${JSON.stringify(apiVersion)}, expected audit.k8s.io/v1)`);
  }
  if (kind === 'EventList') {
    const items = value.items;
    if (!Array.isArray(items)) return error(file, line, 'EventList without items');
    for (const [i, item] of items.entries()) {
      if (!isObject(item)) error(file, line, `items[${i}] is not an object`);
      else onEvent(item as AuditEvent, file, line);
    }
    return;
  }
  if (kind !== undefined && kind !== 'Event') return error(file, line, `not an audit event (kind ${JSON.stringify(kind)}, expected Event)`);
  onEvent(value as AuditEvent, file, line);
}

export function auditErrorLabel(e: AuditLineError): string {
  return `${e.file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}`;
}
