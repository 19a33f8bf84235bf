/**
 * `npm run check -- --share`: the report goes to the relay from inside the extension's page, through the
 * same prepareShare and uploadShare as the report page. The request is the extension page's own fetch, so
 * the relay sees the extension's origin and Chromium's trust (the relay's pinned key) applies, exactly as
 * when a user clicks "Send to support". A failed upload leaves the body in a file, so nothing is lost.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MAX_RELAY_ANSWER_BYTES } from '../protocol/bounded-body.ts';
import type { Report } from '../protocol/report.ts';
import { formatCode } from '../protocol/share.ts';
import { prepareShare, shareFileName } from '../share/prepare-share.ts';
import { UPLOAD_TIMEOUT_MS, type UploadFetch, uploadShare } from '../share/upload.ts';
import { type ExtensionPage, inPage } from './extension-page.ts';

type PageAnswer = { status: number; retryAfter: string | null; text: string } | { error: string };

/** Bytes of the answer the page reads and passes on: one more than uploadShare accepts, so it sees "too big". */
const PAGE_READ_BYTES = MAX_RELAY_ANSWER_BYTES + 1;

/** A fetch that runs in `page` (an extension page); only what uploadShare reads comes back. */
export function fetchInPage(page: ExtensionPage): UploadFetch {
  return async (url, init) => {
    const answer = await inPage(
      page,
      async ({ url, headers, body, timeoutMs, maxBytes }): Promise<PageAnswer> => {
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers,
            body,
            signal: AbortSignal.timeout(timeoutMs),
          });
          // This function runs in the page (it cannot import readBounded): the first maxBytes only, the
          // rest cancelled; uploadShare then reads what came back with its own cap.
          const reader = res.body?.getReader();
          const decoder = new TextDecoder();
          let text = '';
          let held = 0;
          while (reader && held < maxBytes) {
            const { done, value } = await reader.read();
            if (done) break;
            text += decoder.decode(value.subarray(0, maxBytes - held), { stream: true });
            held += value.byteLength;
          }
          await reader?.cancel().catch(() => {});
          text += decoder.decode();
          return { status: res.status, retryAfter: res.headers.get('retry-after'), text };
        } catch (err) {
          return { error: err instanceof Error ? err.message : String(err) };
        }
      },
      {
        url,
        headers: init.headers,
        body: init.body,
        timeoutMs: UPLOAD_TIMEOUT_MS,
        maxBytes: PAGE_READ_BYTES,
      },
    );
    if ('error' in answer) throw new Error(answer.error);
    return {
      status: answer.status,
      headers: { get: (name: string) => (name.toLowerCase() === 'retry-after' ? answer.retryAfter : null) },
      body: new Blob([answer.text]).stream(),
    };
  };
}

export interface CliShareResult {
  ok: boolean;
  /** Lines for the user, in order. */
  lines: string[];
}

export async function shareFromCli(
  page: ExtensionPage,
  report: Report,
  relayUrl: string,
  includeFullAddresses: boolean,
  dir = process.cwd(),
): Promise<CliShareResult> {
  const body = prepareShare(report, { includeFullAddresses });
  const outcome = await uploadShare(fetchInPage(page), relayUrl, body);
  if (outcome.ok) {
    return {
      ok: true,
      lines: [
        `Support code: ${formatCode(outcome.response.code)}`,
        `Link for support: ${outcome.response.url}`,
        `(${includeFullAddresses ? 'with full IP addresses' : 'addresses redacted'}; kept until ${outcome.response.expiresAt})`,
      ],
    };
  }
  const file = resolve(dir, shareFileName(report));
  try {
    await writeFile(file, `${body}\n`);
  } catch (err) {
    return {
      ok: false,
      lines: [
        `check: could not share the report: ${outcome.message}`,
        `check: could not save it either (${(err as Error).message}); rerun with --json to keep the report.`,
      ],
    };
  }
  return {
    ok: false,
    lines: [
      `check: could not share the report: ${outcome.message}`,
      `check: saved what would have been sent to ${file}; send that file to support, or run again with --share.`,
    ],
  };
}
