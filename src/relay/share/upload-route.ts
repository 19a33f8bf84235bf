/**
 * POST /api/reports: a user shares a report with support. Checks run cheapest first (origin, rate limit,
 * content type, size) so a refused upload costs little and nothing is stored unless every check passed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_UPLOAD_BYTES, type UploadError, type UploadResponse } from '../../protocol/share.ts';
import type { RateLimiter } from '../core/rate-limit.ts';
import { hasContentType, readBody } from '../http/body.ts';
import { clientKey, hashClient } from '../http/client-key.ts';
import type { OriginKind } from '../http/origin-policy.ts';
import { sendJson } from '../http/reply.ts';
import { jsonError, type RouteArea } from '../http/router.ts';
import type { Logger } from '../logger.ts';
import type { QuotaRefusal, ReportStore, StorageQuotas } from '../storage/report-store.ts';
import { newCode, newReportId, type RandomBytes } from './codes.ts';
import { validateUpload } from './validate-upload.ts';

/** A fresh code collides with a stored one about once in 10^11 uploads; five tries never all collide. */
const CODE_TRIES = 5;

export interface UploadDeps {
  store: ReportStore;
  log: Logger;
  now: () => number;
  random: RandomBytes;
  /** Where support opens reports (the link in the answer). */
  publicUrl: () => string;
  retentionMs: number;
  limiter: RateLimiter;
  ownAddresses: ReadonlySet<string>;
  /** The install's salt for client hashes (read from the store at start). */
  salt: () => string;
  quotas: StorageQuotas;
}

export const DEFAULT_STORAGE_QUOTAS: StorageQuotas = {
  clientBytesPerDay: 10 * 1024 * 1024,
  maxStoredBytes: 1024 * 1024 * 1024,
};

const CORS_PREFLIGHT = {
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '600',
};

const FORBIDDEN_ORIGIN = 'This origin may not upload reports.';

/** "5 min", "3 h": a wait as a person reads it. */
function waitText(ms: number): string {
  const min = Math.max(1, Math.ceil(ms / 60_000));
  return min < 120 ? `${min} min` : `${Math.ceil(min / 60)} h`;
}

export function uploadArea(deps: UploadDeps): RouteArea {
  const refuse = (
    res: ServerResponse,
    status: number,
    body: UploadError,
    headers: Record<string, string> = {},
    client?: string,
  ) => {
    // Refusals are routine (a bad client, a flood): debug, and never the address itself.
    deps.log.debug({ event: 'report-upload-refused', status, error: body.error, path: body.path, client });
    sendJson(res, status, body, headers);
  };

  /** 429 quota-exceeded or 507 storage-full, with Retry-After when enough frees (if it ever does). */
  function refuseOverQuota(
    res: ServerResponse,
    r: QuotaRefusal,
    now: number,
    cors: Record<string, string>,
    client: string,
  ): void {
    const retry: Record<string, string> =
      r.freesAt === null ? {} : { 'Retry-After': String(Math.max(1, Math.ceil((r.freesAt - now) / 1000))) };
    const when = r.freesAt === null ? '' : ` (room again in ${waitText(r.freesAt - now)})`;
    if (r.refused === 'quota-exceeded') {
      refuse(
        res,
        429,
        {
          error: 'quota-exceeded',
          message: `This address has shared ${Math.round(r.heldBytes / 1024)} KiB of reports in the last 24 hours, the most one address may (${Math.round(deps.quotas.clientBytesPerDay / 1024)} KiB)${when}; send the saved file to support instead.`,
        },
        { ...cors, ...retry },
        client,
      );
      return;
    }
    deps.log.warn({
      event: 'report-storage-full',
      storedBytes: r.heldBytes,
      maxStoredBytes: deps.quotas.maxStoredBytes,
    });
    refuse(
      res,
      507,
      {
        error: 'storage-full',
        message: `The relay holds as many shared reports as it may${when}; send the saved file to support instead.`,
      },
      { ...cors, ...retry },
      client,
    );
  }

  async function upload(req: IncomingMessage, res: ServerResponse, kind: OriginKind): Promise<void> {
    const origin = req.headers.origin;
    const cors: Record<string, string> =
      (kind === 'extension' || kind === 'self') && origin
        ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }
        : {};
    const key = clientKey(req.socket.remoteAddress);
    const client = hashClient(deps.salt(), key);
    const allowed = deps.limiter.take(key, deps.now());
    if (!allowed.ok) {
      refuse(
        res,
        429,
        { error: 'rate-limited', message: `Too many uploads; try again in ${allowed.retryAfterS} s.` },
        { ...cors, 'Retry-After': String(allowed.retryAfterS) },
        client,
      );
      return;
    }
    if (!hasContentType(req, 'application/json')) {
      refuse(
        res,
        415,
        { error: 'bad-content-type', message: 'Send the upload as application/json.' },
        cors,
        client,
      );
      return;
    }
    const body = await readBody(req, MAX_UPLOAD_BYTES);
    if (!body.ok) {
      if (body.reason === 'aborted') return;
      if (body.reason === 'too-big') {
        // Close afterwards: the rest of an oversized body is not worth reading on this connection.
        refuse(
          res,
          413,
          { error: 'too-big', message: `The upload is larger than ${MAX_UPLOAD_BYTES / 1024} KiB.` },
          { ...cors, Connection: 'close' },
          client,
        );
      } else {
        refuse(res, 400, { error: 'bad-json', message: 'The body is not UTF-8 text.' }, cors, client);
      }
      return;
    }
    // A client at its quota, or a full relay, is refused before its body is parsed and scanned: filling
    // the quota must not buy an attacker the relay's CPU for every further upload.
    // (A store that fails here fails again below, answered 503 there.)
    const full = await deps.store.quotaFull(client, deps.now(), deps.quotas).catch(() => null);
    if (full) {
      refuseOverQuota(res, full, deps.now(), cors, client);
      return;
    }
    const checked = validateUpload(body.text, deps.ownAddresses);
    if (!checked.ok) {
      refuse(res, 400, checked.body, cors, client);
      return;
    }
    const { report, redaction } = checked.request;
    const createdAt = deps.now();
    const expiresAt = createdAt + deps.retentionMs;
    try {
      for (let i = 0; i < CODE_TRIES; i++) {
        const id = newReportId(deps.random);
        const code = newCode(deps.random);
        // The quotas are checked in the same transaction as the insert: a refused upload leaves nothing.
        const r = await deps.store.putWithinQuota(
          { id, code, report, redaction, createdAt, expiresAt, clientHash: client },
          deps.quotas,
        );
        if (r === 'code-taken') continue;
        if (r !== 'stored') {
          refuseOverQuota(res, r, createdAt, cors, client);
          return;
        }
        const answer: UploadResponse = {
          code,
          id,
          url: `${deps.publicUrl()}/console/r/${code}`,
          expiresAt: new Date(expiresAt).toISOString(),
        };
        // The code, not the id: the id is the report's unguessable key and stays out of logs.
        deps.log.info({
          event: 'report-uploaded',
          code,
          verdict: report.verdict,
          redaction,
          bytes: Buffer.byteLength(body.text),
          client,
        });
        sendJson(res, 201, answer, cors);
        return;
      }
      throw new Error(`no free code after ${CODE_TRIES} tries`);
    } catch (err) {
      deps.log.error({ event: 'report-store-failed', err: (err as Error).message });
      sendJson(
        res,
        503,
        { error: 'storage-failed', message: 'The report could not be stored; try again later.' },
        cors,
      );
    }
  }

  return {
    prefix: '/api/reports',
    routes: [
      {
        // The preflight: only the extension and the relay's own pages get CORS access.
        method: 'OPTIONS',
        path: '/api/reports',
        origins: ['extension', 'self'],
        handle(req, res) {
          res.writeHead(204, {
            ...CORS_PREFLIGHT,
            'Access-Control-Allow-Origin': req.headers.origin ?? '',
            Vary: 'Origin',
          });
          res.end();
        },
      },
      {
        // Web pages may not make their visitors' browsers upload; other clients (no Origin) may.
        method: 'POST',
        path: '/api/reports',
        origins: ['none', 'null', 'extension', 'self'],
        handle: (req, res, _params, _url, origin) => upload(req, res, origin),
      },
    ],
    answerError(res, e) {
      // Refusals are routine (a bad client, a flood): debug, and never the address itself.
      if (e.error !== 'internal') deps.log.debug({ event: 'report-upload-refused', error: e.error });
      jsonError(res, e, e.error === 'forbidden-origin' ? FORBIDDEN_ORIGIN : undefined);
    },
  };
}
