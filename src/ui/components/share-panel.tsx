import { type ComponentChildren, Fragment } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LabelArity, LabelKey, LabelSubs, PlainLabelKey, Tuple } from '../../messages/labels.ts';
import { t } from '../../platform/i18n.ts';
import type { Report } from '../../protocol/report.ts';
import { formatCode, type UploadResponse } from '../../protocol/share.ts';
import { prepareShare } from '../../share/prepare-share.ts';
import type { SharedRecord, ShareSettings } from '../../share/shared-record.ts';
import type { ShareOutcome } from '../../share/upload.ts';
import { localDateTime } from '../check-text.ts';

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

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const day = (iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : localDateTime(iso));

/** Stand in for the $n values while a message is looked up (private-use characters). */
const SLOTS = ['\uE000', '\uE001', '\uE002'];

/** The message for `key` with its $1, $2, … as the given nodes (markup, not text), in the translation's order. */
function fill<K extends LabelKey>(
  key: K,
  ...values: Tuple<LabelArity<K>, ComponentChildren>
): ComponentChildren {
  const nodes = values as unknown as ComponentChildren[];
  const slots = SLOTS.slice(0, nodes.length) as LabelSubs<K>;
  const pieces = t(key, ...slots).split(/([\uE000-\uE002])/);
  return pieces.map((piece, i) => {
    const n = SLOTS.indexOf(piece);
    return <Fragment key={i}>{n >= 0 ? nodes[n] : piece}</Fragment>;
  });
}

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
      setFailure(`${t('share_settings_failed', errorText(e))} ${t('share_kept')}`);
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
    else setFailure(`${outcome.message} ${t('share_kept')}`);
  };

  /** `copiedKey`: the message saying what was copied. */
  const copy = (text: string, copiedKey: PlainLabelKey) =>
    copyText(text).then(
      () => setNote(t(copiedKey)),
      (e: unknown) => setNote(t('share_copy_failed', errorText(e))),
    );

  const locked = settings?.fullAddressesLocked ?? false;
  return (
    <section class="report-section share" id="share" aria-labelledby="share-title">
      <h2 id="share-title">{t('share_title')}</h2>
      {shared.length > 0 ? (
        <ul class="shared-before" data-field="shared-before">
          {shared.map((r) => (
            <li key={r.code}>
              {fill(
                'share_shared_before',
                day(r.sharedAt),
                <span class="code">{formatCode(r.code)}</span>,
                day(r.expiresAt),
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {!open ? (
        <>
          <p class="hint">{t('share_intro')}</p>
          <p>
            <button type="button" onClick={openPanel}>
              {t('share_open')}
            </button>
          </p>
        </>
      ) : result ? (
        <div class="share-result" ref={resultRef} tabIndex={-1} data-field="share-result">
          <p>{t('share_done')}</p>
          <p class="share-code" data-field="share-code">
            {formatCode(result.code)}
          </p>
          <p>
            {t('share_link_label')}{' '}
            <span class="share-link" data-field="share-link">
              {result.url}
            </span>
          </p>
          <p>
            <button type="button" onClick={() => copy(formatCode(result.code), 'share_copied_code')}>
              {t('share_copy_code')}
            </button>{' '}
            <button type="button" onClick={() => copy(result.url, 'share_copied_link')}>
              {t('share_copy_link')}
            </button>
          </p>
          <p class="hint">{t('share_expires', day(result.expiresAt))}</p>
          <p class="status" role="status">
            {note}
          </p>
        </div>
      ) : (
        <div class="share-form">
          <p>
            {fill(
              'share_sent_to',
              <strong>{settings ? hostOf(settings.relayUrl) : t('share_the_relay')}</strong>,
              t('share_send'),
            )}
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
              {t('share_full')}
            </label>
          </p>
          <p class="hint" id="share-full-hint">
            {full ? t('share_full_on') : t('share_full_off')}
            {locked ? ` ${t('share_locked')}` : ''}
          </p>
          <section
            class="share-preview"
            ref={previewRef}
            aria-label={t('share_preview_label')}
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
                  {sending ? t('share_sending') : t('share_retry')}
                </button>{' '}
                <button type="button" onClick={() => download(body)}>
                  {t('share_download')}
                </button>
              </p>
            </div>
          ) : (
            <p>
              <button type="button" disabled={sending || settings === null} onClick={() => submit(false)}>
                {sending ? t('share_sending') : t('share_send')}
              </button>{' '}
              <button type="button" disabled={sending} onClick={() => setOpen(false)}>
                {t('share_cancel')}
              </button>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
