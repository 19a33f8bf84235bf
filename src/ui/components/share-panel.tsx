import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Report } from '../../protocol/report.ts';
import { formatCode, type UploadResponse } from '../../protocol/share.ts';
import { prepareShare } from '../../share/prepare-share.ts';
import type { SharedRecord, ShareSettings } from '../../share/shared-record.ts';
import type { ShareOutcome } from '../../share/upload.ts';

export interface SharePanelProps {
  report: Report;
  /** Where the upload goes and the full-addresses default; read when the panel opens and on Retry. */
  loadSettings(): Promise<ShareSettings>;
  /** Uploads the body exactly as previewed; never throws. */
  send(relayUrl: string, body: string): Promise<ShareOutcome>;
  /** Saves the body as previewed to a file: the way out when the upload fails. */
  download(body: string): void;
  copyText(text: string): Promise<void>;
  /** Codes this report was shared under before, newest first. */
  shared?: readonly SharedRecord[];
}

const KEPT =
  'Nothing was lost: the report is still on this computer. Retry, or download it and send the file to support.';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const day = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toLocaleString();
};

/**
 * "Share with support": the user sees exactly the JSON that will be uploaded (redacted unless they tick
 * full addresses) before anything leaves the computer; the answer is a short code to read out on the
 * phone and a link for support. A failed upload keeps everything here and offers Retry and Download.
 * The preview is text in a <pre>, never markup: report strings come from the network.
 */
export function SharePanel({ report, loadSettings, send, download, copyText, shared = [] }: SharePanelProps) {
  const [open, setOpen] = useState(false);
  const [settings, setSettings] = useState<ShareSettings | null>(null);
  const [full, setFull] = useState(false);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [result, setResult] = useState<UploadResponse | null>(null);
  const [note, setNote] = useState('');
  const resultRef = useRef<HTMLDivElement>(null);
  const previewRef = useRef<HTMLElement>(null);
  const body = useMemo(
    () => (open ? prepareShare(report, { includeFullAddresses: full }) : ''),
    [open, report, full],
  );

  useEffect(() => {
    if (result) resultRef.current?.focus();
  }, [result]);

  const load = async (): Promise<ShareSettings | null> => {
    try {
      const s = await loadSettings();
      setSettings(s);
      return s;
    } catch (e) {
      setFailure(`Could not read the settings: ${errorText(e)}. ${KEPT}`);
      return null;
    }
  };

  const openPanel = async () => {
    setOpen(true);
    setFailure(null);
    const s = await load();
    if (s) setFull(s.includeFullAddresses);
    previewRef.current?.focus();
  };

  const submit = async (reload: boolean) => {
    setSending(true);
    setFailure(null);
    const s = reload || !settings ? await load() : settings;
    if (!s) {
      setSending(false);
      return;
    }
    const outcome = await send(s.relayUrl, body);
    setSending(false);
    if (outcome.ok) setResult(outcome.response);
    else setFailure(`${outcome.message} ${KEPT}`);
  };

  const copy = (text: string, what: string) =>
    copyText(text).then(
      () => setNote(`Copied the ${what}.`),
      (e: unknown) => setNote(`Could not copy: ${errorText(e)}`),
    );

  const locked = settings?.fullAddressesLocked ?? false;
  return (
    <section class="report-section share" id="share" aria-labelledby="share-title">
      <h2 id="share-title">Share with support</h2>
      {shared.length > 0 ? (
        <ul class="shared-before" data-field="shared-before">
          {shared.map((r) => (
            <li key={r.code}>
              Shared on {day(r.sharedAt)} as <span class="code">{formatCode(r.code)}</span> (support can open
              it until {day(r.expiresAt)})
            </li>
          ))}
        </ul>
      ) : null}
      {!open ? (
        <>
          <p class="hint">
            Sends this report to the relay so your support contact can look it up by a short code. You see
            exactly what is sent before anything leaves this computer.
          </p>
          <p>
            <button type="button" onClick={openPanel}>
              Share with support
            </button>
          </p>
        </>
      ) : result ? (
        <div class="share-result" ref={resultRef} tabIndex={-1} data-field="share-result">
          <p>Shared. Read this code to your support contact:</p>
          <p class="share-code" data-field="share-code">
            {formatCode(result.code)}
          </p>
          <p>
            Link for support:{' '}
            <span class="share-link" data-field="share-link">
              {result.url}
            </span>
          </p>
          <p>
            <button type="button" onClick={() => copy(formatCode(result.code), 'code')}>
              Copy code
            </button>{' '}
            <button type="button" onClick={() => copy(result.url, 'link')}>
              Copy link
            </button>
          </p>
          <p class="hint">
            Support can open it until {day(result.expiresAt)}; after that the relay deletes it.
          </p>
          <p class="status" role="status">
            {note}
          </p>
        </div>
      ) : (
        <div class="share-form">
          <p>
            Exactly this will be sent to <strong>{settings ? hostOf(settings.relayUrl) : 'the relay'}</strong>
            . Nothing leaves this computer until you click “Send to support”.
          </p>
          <p>
            <label>
              <input
                type="checkbox"
                checked={full}
                disabled={locked || sending}
                aria-describedby="share-full-hint"
                onChange={(e) => setFull((e.currentTarget as HTMLInputElement).checked)}
              />{' '}
              Include full IP addresses
            </label>
          </p>
          <p class="hint" id="share-full-hint">
            {full
              ? 'Support will see every address as this computer measured it.'
              : 'Private addresses are removed and public ones shortened (203.0.113.x); the relay’s own address stays.'}
            {locked ? ' Your administrator set this.' : ''}
          </p>
          <section
            class="share-preview"
            ref={previewRef}
            aria-label="What will be sent"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to be read (WCAG 2.1.1).
            tabIndex={0}
          >
            <pre data-field="share-preview">{body}</pre>
          </section>
          {failure ? (
            <div class="share-failed">
              <p class="problem" role="alert" data-field="share-error">
                {failure}
              </p>
              <p>
                <button type="button" disabled={sending} onClick={() => submit(true)}>
                  {sending ? 'Sending…' : 'Retry'}
                </button>{' '}
                <button type="button" onClick={() => download(body)}>
                  Download
                </button>
              </p>
            </div>
          ) : (
            <p>
              <button type="button" disabled={sending || settings === null} onClick={() => submit(false)}>
                {sending ? 'Sending…' : 'Send to support'}
              </button>{' '}
              <button type="button" disabled={sending} onClick={() => setOpen(false)}>
                Cancel
              </button>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
