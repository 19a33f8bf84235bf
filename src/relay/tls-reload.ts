/**
 * Certificates rotate (an ACME client renews every 60-90 days; cert-manager swaps a Kubernetes secret), and
 * a relay in use must not drop its sessions for that. On SIGHUP, and when a file in the certificate's or
 * key's folder changes, the pair is read again and handed to the listeners for new handshakes; open
 * connections keep theirs. A pair that does not load (half-written, key not matching) is logged and the
 * old one stays in use until the next change.
 */
import { type FSWatcher, watch } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from './logger.ts';
import type { TlsIdentity } from './tls-cert.ts';

/** Writers replace the certificate, then the key, or a whole secret folder: one reload after they settle. */
const SETTLE_MS = 300;

export interface TlsReloader {
  reload(reason: string): Promise<void>;
  close(): void;
}

export function createTlsReloader(opts: {
  /** The files to watch; none (a generated certificate) means SIGHUP only. */
  files: string[];
  load: () => Promise<TlsIdentity>;
  /** Throws when the pair is unusable (e.g. the key does not match the certificate). */
  apply: (tls: TlsIdentity) => void;
  current: TlsIdentity;
  log: Logger;
}): TlsReloader {
  let current = opts.current;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  const reloadNow = async (reason: string) => {
    try {
      const next = await opts.load();
      if (next.cert === current.cert && next.key === current.key) {
        opts.log.debug({ event: 'tls-unchanged', reason });
        return;
      }
      opts.apply(next);
      current = next;
      opts.log.info({
        event: 'tls-reloaded',
        reason,
        sha256Fingerprint: next.fingerprint256,
        spkiSha256: next.spkiSha256,
      });
    } catch (err) {
      opts.log.warn({
        event: 'tls-reload-failed',
        reason,
        err: (err as Error).message,
        next: 'keeps the previous certificate; fix the files or send SIGHUP again',
      });
    }
  };
  // One at a time, in order: a change during a reload gets its own reload after it.
  const reload = (reason: string) => {
    running = running.then(() => reloadNow(reason));
    return running;
  };

  const watchers: FSWatcher[] = [];
  for (const folder of new Set(opts.files.map((f) => dirname(f)))) {
    try {
      const w = watch(folder, () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          void reload('file-changed');
        }, SETTLE_MS);
        timer.unref();
      });
      w.on('error', (err) => opts.log.warn({ event: 'tls-watch-failed', folder, err: err.message }));
      watchers.push(w);
    } catch (err) {
      opts.log.warn({
        event: 'tls-watch-failed',
        folder,
        err: (err as Error).message,
        next: 'SIGHUP still reloads',
      });
    }
  }

  return {
    reload,
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
