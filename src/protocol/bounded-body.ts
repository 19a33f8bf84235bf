/**
 * The extension reads what a relay answers (its /probe JSON, the upload's answer) only up to a cap: a
 * hostile or broken relay that streams megabytes must not fill the extension's memory or keep its page
 * busy. The real answers are a few hundred bytes; the cap sits far above them.
 */

/** The most of one relay answer the extension reads. */
export const MAX_RELAY_ANSWER_BYTES = 64 * 1024;

/** What the reader needs of a fetch Response. */
export interface StreamedAnswer {
  headers: { get(name: string): string | null };
  body: ReadableStream<Uint8Array> | null;
}

export type BoundedText = { ok: true; text: string } | { ok: false; error: string };

/**
 * The body as UTF-8 text, read chunk by chunk and cancelled as soon as it passes `maxBytes` (or declares a
 * longer Content-Length), so no more than `maxBytes` plus one chunk is ever held.
 */
export async function readBounded(
  res: StreamedAnswer,
  maxBytes = MAX_RELAY_ANSWER_BYTES,
): Promise<BoundedText> {
  const tooBig = {
    ok: false,
    error: `the answer is larger than ${Math.round(maxBytes / 1024)} KiB`,
  } as const;
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    return tooBig;
  }
  if (!res.body) return { ok: true, text: '' };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => {});
      return tooBig;
    }
    text += decoder.decode(value, { stream: true });
  }
  return { ok: true, text: text + decoder.decode() };
}
