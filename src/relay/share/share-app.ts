/**
 * Report sharing on the relay: the upload API, the support console (when support tokens are configured),
 * and the retention sweep (at start, then hourly). The store is the caller's: it opens and closes it.
 */
import { randomBytes } from 'node:crypto';
import { consoleArea } from '../console/console-routes.ts';
import { SignInGate } from '../console/sign-in-gate.ts';
import type { SupportToken } from '../console/support-tokens.ts';
import { RateLimiter } from '../core/rate-limit.ts';
import type { RouteArea } from '../http/router.ts';
import type { Logger } from '../logger.ts';
import type { ReportStore, StorageQuotas } from '../storage/report-store.ts';
import { allowedAddressSet } from './address-scan.ts';
import type { RandomBytes } from './codes.ts';
import { DEFAULT_STORAGE_QUOTAS, uploadArea } from './upload-route.ts';

export const DEFAULT_UPLOADS_PER_MINUTE = 10;
export const DEFAULT_SIGN_INS_PER_MINUTE = 5;
export const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export interface ShareOptions {
  store: ReportStore;
  /** Where support opens reports, e.g. https://relay.example.com; default: the relay's own https URL. */
  publicUrl?: string;
  retentionMs: number;
  /** None: the console is off (404). */
  supportTokens: readonly SupportToken[];
  /** The relay's own addresses, allowed in redacted reports (they are servers, not the user's network). */
  ownAddresses?: readonly string[];
  now?: () => number;
  random?: RandomBytes;
  uploadsPerMinute?: number;
  signInsPerMinute?: number;
  /** Report bytes per client a day and in all; DEFAULT_STORAGE_QUOTAS otherwise. */
  quotas?: Partial<StorageQuotas>;
}

export interface Share {
  /** The upload API's and the console's routes, for the relay's route table. */
  areas: RouteArea[];
  /** Reads the install salt and sweeps once; then sweeps every hour until stop(). */
  start(): Promise<void>;
  stop(): void;
  /** Deletes expired reports now; returns how many. */
  sweep(): Promise<number>;
}

/** `listeningUrl` is the relay's https URL once it listens (its port may be picked at listen time). */
export function createShare(opts: ShareOptions, log: Logger, listeningUrl: () => string): Share {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? ((n: number) => randomBytes(n));
  const publicUrl = () => (opts.publicUrl ?? listeningUrl()).replace(/\/+$/, '');
  let salt = '';
  const areas: RouteArea[] = [
    uploadArea({
      store: opts.store,
      log,
      now,
      random,
      publicUrl,
      retentionMs: opts.retentionMs,
      limiter: new RateLimiter({
        limit: opts.uploadsPerMinute ?? DEFAULT_UPLOADS_PER_MINUTE,
        windowMs: 60_000,
      }),
      ownAddresses: allowedAddressSet(opts.ownAddresses ?? []),
      salt: () => salt,
      quotas: { ...DEFAULT_STORAGE_QUOTAS, ...opts.quotas },
    }),
  ];
  if (opts.supportTokens.length > 0) {
    areas.push(
      consoleArea({
        store: opts.store,
        log,
        now,
        random,
        tokens: opts.supportTokens,
        signIns: new SignInGate(opts.signInsPerMinute ?? DEFAULT_SIGN_INS_PER_MINUTE),
        salt: () => salt,
      }),
    );
  } else {
    // Off means absent: every console path, whatever the method, is a plain 404.
    areas.push({ prefix: '/console', routes: [] });
  }

  let timer: NodeJS.Timeout | null = null;
  const sweep = async (): Promise<number> => {
    const deleted = await opts.store.deleteExpired(now());
    if (deleted > 0) log.info({ event: 'reports-expired', deleted });
    return deleted;
  };
  const sweepLogged = () =>
    sweep().catch((err: Error) => log.warn({ event: 'report-sweep-failed', err: err.message }));

  return {
    areas,
    async start() {
      salt = await opts.store.installSalt();
      if (opts.supportTokens.length === 0) {
        log.info({ event: 'console-disabled', reason: 'no --support-tokens configured' });
      }
      await sweepLogged();
      // Unref'd: a pending sweep never keeps the process alive.
      timer ??= setInterval(sweepLogged, SWEEP_INTERVAL_MS).unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    sweep,
  };
}
