/** Assembles the versioned report from a run's results. Pure. */
import * as v from 'valibot';
import { msg } from '../messages/catalog.ts';
import {
  type MediaReport,
  MediaReportSchema,
  NatReportSchema,
  PortResultSchema,
  REPORT_SCHEMA_VERSION,
  RegionsReportSchema,
  type Report,
} from '../protocol/report.ts';
import { withPathChange } from './ports/path-change.ts';
import { proxyOfChecks } from './proxy-headline.ts';
import { isTlsTooOld } from './tls-version.ts';
import type { CheckResult } from './types.ts';
import { verdictOf } from './verdict.ts';
import { headlineOf } from './words.ts';

export interface RunMeta {
  runId: string;
  startedAt: string;
  finishedAt: string;
  relayUrl: string;
  extensionVersion: string;
  browser: string;
}

/**
 * `previous`: the checks of the run before this one on this computer, to tell whether the path to the relay
 * changed between runs (a VPN, a split tunnel); null or absent when there was none.
 */
export function buildReport(
  meta: RunMeta,
  checks: readonly CheckResult[],
  interrupted = false,
  previous: readonly CheckResult[] | null = null,
): Report {
  const { verdict, headline, headlineMessage } = interrupted
    ? { verdict: 'error' as const, ...headlineOf(msg('headline_interrupted')) }
    : verdictOf(checks);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    ...meta,
    verdict,
    headline,
    headlineMessage,
    interrupted,
    checks: checks.map((c) => ({ ...c, data: { ...c.data } })),
    media: mediaOf(checks),
    ports: portsOf(checks),
    nat: natOf(checks, previous),
    proxy: proxyOfChecks(checks),
    tls: tlsOf(checks),
    ...regionsOf(checks),
  };
}

/** The relay comparison, where the run had one (the key stays out of reports without it). */
function regionsOf(checks: readonly CheckResult[]): Pick<Report, 'regions'> {
  const c = checks.find((x) => x.id === 'relay-comparison');
  if (!c) return {};
  const parsed = v.safeParse(RegionsReportSchema, {
    relays: c.data.relays,
    recommended: c.data.recommended,
    summary: c.summary,
    summaryMessage: c.summaryMessage,
  });
  return parsed.success ? { regions: parsed.output } : {};
}

function mediaOf(checks: readonly CheckResult[]): MediaReport | null {
  const parsed = v.safeParse(MediaReportSchema, checks.find((c) => c.id === 'secure-media')?.data.media);
  return parsed.success ? parsed.output : null;
}

function portsOf(checks: readonly CheckResult[]): Report['ports'] {
  const parsed = v.safeParse(
    v.array(PortResultSchema),
    checks.find((c) => c.id === 'port-matrix')?.data.ports,
  );
  return parsed.success ? parsed.output : [];
}

function natOf(checks: readonly CheckResult[], previous: readonly CheckResult[] | null): Report['nat'] {
  const parsed = v.safeParse(NatReportSchema, checks.find((c) => c.id === 'port-matrix')?.data.nat);
  return parsed.success ? withPathChange(parsed.output, checks, previous) : null;
}

function tlsOf(checks: readonly CheckResult[]): Report['tls'] {
  const seen = (id: string) => {
    const d = checks.find((c) => c.id === id)?.data;
    return d && typeof d.tlsVersion === 'string'
      ? { version: d.tlsVersion, cipher: typeof d.tlsCipher === 'string' ? d.tlsCipher : null }
      : null;
  };
  const https = seen('relay-https');
  const wss = seen('relay-wss');
  const measured = [https, wss].filter((t) => t !== null);
  return { https, wss, ok: measured.length ? measured.every((t) => !isTlsTooOld(t.version)) : null };
}
