import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../../src/protocol/report.ts';
import { MAX_UPLOAD_BYTES, UploadRequestSchema } from '../../../src/protocol/share.ts';
import { allowedAddressSet } from '../../../src/relay/share/address-scan.ts';
import { validateUpload } from '../../../src/relay/share/validate-upload.ts';
import {
  prepareShare,
  shareBodyBytes,
  shareFileName,
  shareRequest,
  shareTooBig,
} from '../../../src/share/prepare-share.ts';
import { blockedPortsReport, report } from '../../fakes/report.ts';

/** A report holding addresses wherever the checks put them, and some that only look like addresses. */
function addressy(relayUrl = 'https://203.0.113.5:8443'): Report {
  const base = blockedPortsReport('run-addr');
  return {
    ...base,
    relayUrl,
    browser: 'chrome Chrome/156.0.0.0',
    checks: [
      {
        id: 'relay-https',
        title: 'HTTPS to the relay',
        status: 'pass',
        reason: 'ok',
        summary: `Relay ${new URL(relayUrl).host} reached over TLSv1.3 in 41 ms.`,
        durationMs: 41,
        data: {
          url: `${relayUrl}/probe`,
          clientAddress: '198.51.100.77',
          timing: { startedAt: '2026-11-21T23:39:19.680Z' },
        },
      },
      {
        id: 'https-target-1',
        title: 'HTTPS to 10.20.30.40',
        status: 'fail',
        reason: 'connection-refused',
        summary: 'https://10.20.30.40/provision refused the connection.',
        durationMs: 3,
        data: { url: 'https://10.20.30.40/provision', '192.168.7.7': 'a key that is an address' },
      },
      {
        ...(base.checks.find((c) => c.id === 'port-matrix') as Report['checks'][number]),
        data: {
          nat: {
            relaySaw: [
              {
                relayPort: 18801,
                providerPort: 8801,
                remoteAddress: '::ffff:198.51.100.77',
                remotePort: 4000,
              },
              {
                relayPort: 10000,
                providerPort: 20000,
                remoteAddress: '2001:db8:aa:bb:1:2:3:4',
                remotePort: 4000,
              },
              { relayPort: 10000, providerPort: 20000, remoteAddress: 'fe80::1%eth0', remotePort: 4001 },
            ],
          },
          candidates: [
            'candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host',
            'candidate:2 1 udp 1686052607 203.0.113.4 61000 typ srflx raddr 10.0.0.2 rport 54321',
            'candidate:3 1 udp 2122262783 2001:db8:1:2:aaaa:bbbb:cccc:dddd 54322 typ host',
          ],
          loopback: '127.0.0.1',
          cgnat: '100.64.3.4',
        },
      },
    ],
  };
}

/** Dotted IPv4 addresses in `text` that are not the relay's own URL host. */
const fullIpv4 = (text: string) =>
  [...text.matchAll(/(?<![\d.]|:\/\/)\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])/g)].map((m) => m[0]);

describe('prepareShare', () => {
  it('by default leaves no full address but the relay’s own in its URLs, and keeps everything else', () => {
    const r = addressy();
    const body = prepareShare(r, { includeFullAddresses: false });
    const sent = JSON.parse(body) as { report: Report; redaction: string };
    expect(sent.redaction).toBe('default');
    expect(fullIpv4(body).filter((a) => a !== '156.0.0.0')).toEqual([]);
    expect(sent.report.relayUrl).toBe('https://203.0.113.5:8443');
    expect(sent.report.checks[0]?.data.url).toBe('https://203.0.113.5:8443/probe');
    // Outside a URL, the relay's address is shortened like any other.
    expect(sent.report.checks[0]?.summary).toBe('Relay 203.0.113.x:8443 reached over TLSv1.3 in 41 ms.');
    expect(sent.report.checks[0]?.data.clientAddress).toBe('198.51.100.x');
    expect(sent.report.checks[1]?.data.url).toBe('https://private-address/provision');
    expect(sent.report.checks[1]?.title).toBe('HTTPS to private-address');
    expect(Object.keys(sent.report.checks[1]?.data ?? {})).toContain('private-address');
    const pm = sent.report.checks[2]?.data as Record<string, unknown>;
    expect(pm.nat).toEqual({
      relaySaw: [
        { relayPort: 18801, providerPort: 8801, remoteAddress: '198.51.100.x', remotePort: 4000 },
        { relayPort: 10000, providerPort: 20000, remoteAddress: '2001:db8:aa:x', remotePort: 4000 },
        { relayPort: 10000, providerPort: 20000, remoteAddress: 'link-local-address', remotePort: 4001 },
      ],
    });
    expect(pm.candidates).toEqual([
      'candidate:1 1 udp 2122260223 private-address 54321 typ host',
      'candidate:2 1 udp 1686052607 203.0.113.x 61000 typ srflx raddr private-address rport 54321',
      'candidate:3 1 udp 2122262783 2001:db8:1:x 54322 typ host',
    ]);
    expect(pm.loopback).toBe('loopback-address');
    expect(pm.cgnat).toBe('shared-address');
    // Not addresses: left alone.
    expect(sent.report.browser).toBe('chrome Chrome/156.0.0.0');
    expect(sent.report.finishedAt).toBe(r.finishedAt);
    expect(sent.report.ports).toEqual(r.ports);
    expect(sent.report.verdict).toBe(r.verdict);
    // The report itself is not changed.
    expect(r.checks[0]?.data.clientAddress).toBe('198.51.100.77');
  });

  it('sends the report as it is, and says so, when the user includes full addresses', () => {
    const r = addressy();
    const sent = JSON.parse(prepareShare(r, { includeFullAddresses: true }));
    expect(sent).toEqual({ report: r, redaction: 'full-addresses' });
    expect(fullIpv4(JSON.stringify(sent))).toContain('198.51.100.77');
  });

  it('is what the relay accepts: the default body passes its address re-check, the full one only as full', () => {
    const own = allowedAddressSet(['203.0.113.5']);
    for (const r of [
      addressy(),
      addressy('https://[2001:db8::5]:8443'),
      addressy('https://relay.example'),
      report(),
    ]) {
      const ownHere = r.relayUrl.includes('[') ? allowedAddressSet(['2001:db8::5']) : own;
      const checked = validateUpload(prepareShare(r, { includeFullAddresses: false }), ownHere);
      expect(checked.ok ? 'ok' : checked.body, r.relayUrl).toBe('ok');
    }
    const full = prepareShare(addressy(), { includeFullAddresses: true });
    expect(validateUpload(full, own).ok).toBe(true);
    const lying = JSON.stringify({ ...JSON.parse(full), redaction: 'default' });
    expect(validateUpload(lying, own)).toMatchObject({ ok: false, body: { error: 'unredacted-address' } });
  });

  it('keeps the upload schema-valid and the report intact when there is nothing to redact', () => {
    const r = report();
    const req = shareRequest(r, { includeFullAddresses: false });
    expect(v.parse(UploadRequestSchema, req).report).toEqual(r);
    expect(prepareShare(r, { includeFullAddresses: false })).toBe(JSON.stringify(req, null, 2));
  });

  it('measures the body and names the file a failed share saves', () => {
    const body = prepareShare(report(), { includeFullAddresses: false });
    expect(shareBodyBytes('é')).toBe(2);
    expect(shareTooBig(body)).toBe(false);
    expect(shareTooBig('x'.repeat(MAX_UPLOAD_BYTES + 1))).toBe(true);
    expect(shareFileName(report({ verdict: 'degraded' }))).toBe(
      'secure-voice-check-2026-11-21-degraded-for-support.json',
    );
  });
});
