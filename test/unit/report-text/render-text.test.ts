import { afterEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/checks/build-report.ts';
import { comparisonResult } from '../../../src/checks/regions/compare-relays.ts';
import { msg } from '../../../src/messages/catalog.ts';
import type { Message } from '../../../src/messages/message.ts';
import { ENGLISH } from '../../../src/messages/render.ts';
import { UI } from '../../../src/platform/i18n.ts';
import type { Report } from '../../../src/protocol/report.ts';
import { portMatrixOf } from '../../../src/report-text/port-rows.ts';
import { renderText } from '../../../src/report-text/render-text.ts';
import { blockedPortsReport, deskPorts, report } from '../../fakes/report.ts';
import { useBrowserLanguage } from '../i18n/fake-browser-i18n.ts';

describe('renderText', () => {
  it('leads with the verdict and headline, then one line per check and the media figures', () => {
    const text = renderText(report());
    const lines = text.split('\n');
    expect(lines[0]).toBe('Secure Voice Check: READY');
    expect(lines[1]).toBe('Ready for Secure Voice: the relay is reachable over HTTPS and WSS.');
    expect(text).toContain('  PASS  HTTPS to the relay (20 ms)\n        Reached the relay over HTTPS.');
    expect(text).toContain('  PASS  Secure media (3000 ms)');
    expect(text).toMatch(/Secure media: encrypted \(SRTP_AES128_CM_HMAC_SHA1_80, .*\) over UDP/);
    expect(text).toContain('round trip 3 ms, jitter 2 ms, loss 0 % round trip, MOS 4.41 (excellent)');
    expect(lines.at(-1)).toContain('relay https://relay.example:8443');
    expect(text).not.toContain('Firewall');
  });

  it('marks an interrupted run and names the failed step', () => {
    const r = report({ verdict: 'error', interrupted: true, media: null });
    r.checks[0] = { ...(r.checks[0] as (typeof r.checks)[0]), status: 'fail', step: 'tls' };
    const text = renderText(r);
    expect(text.split('\n')[0]).toBe('Secure Voice Check: ERROR (interrupted)');
    expect(text).toContain('FAIL  HTTPS to the relay (20 ms) [TLS]');
    expect(text).not.toContain('Secure media:');
  });

  it('lists only the blocked rows of the port matrix, then the remediation to paste', () => {
    const text = renderText(blockedPortsReport());
    expect(text).toMatch(/Firewall \(Desk phone[^)]*\): \d+ of \d+ testable rows open, 1 blocked/);
    expect(text).toContain('BLOCKED UDP 40000-49999 SRTP/UDP: Desk phones media Secure Voice');
    expect(text).toContain('Please allow the following outbound traffic to the provider:');
    expect(text).toContain(
      '- outbound UDP to destination port(s) 40000-49999: Desk phones media Secure Voice',
    );
    expect(text).toContain('NAT: This computer is behind NAT');
    expect(text).not.toMatch(/BLOCKED TCP/);
  });

  it('says under each blocked row why its ports failed, in words, one line a reason', () => {
    const r = blockedPortsReport();
    const ports = r.ports.map((p) =>
      p.port === 49999 ? { ...p, status: 'refused' as const, reason: 'failed-fast' } : p,
    );
    const text = renderText({ ...r, ports });
    const lines = text.split('\n');
    const row = lines.findIndex((l) => l.includes('BLOCKED UDP 40000-49999'));
    expect(lines.slice(row + 1, row + 3)).toEqual([
      '      Ports 40000, 44999: No answer within the time limit: a firewall probably drops the traffic',
      '      Ports 49999: The connection failed at once, as a refused one does (the browser gave no further detail)',
    ]);
    expect(text).not.toContain('timed-out');
  });

  it('names eight ports of a reason, then how many more', () => {
    const r = blockedPortsReport();
    const srtp = r.ports.find((p) => p.row === 'desk-phone-srtp') as Report['ports'][number];
    const ports = [
      ...r.ports.filter((p) => p.row !== 'desk-phone-srtp'),
      ...Array.from({ length: 10 }, (_, i) => ({ ...srtp, port: 40000 + i, status: 'blocked' as const })),
    ];
    expect(renderText({ ...r, ports })).toContain(
      '      Ports 40000, 40001, 40002, 40003, 40004, 40005, 40006, 40007 and 2 more: No answer within the time limit',
    );
  });

  it('says all tested rows are open when nothing is blocked, without a remediation list', () => {
    const text = renderText(report({ ports: deskPorts(() => 'open') }));
    expect(text).toMatch(/Firewall \(Desk phone[^)]*\): (\d+) of \1 testable rows open\n/);
    expect(text).not.toContain('Please allow');
  });
});

describe('portMatrixOf', () => {
  it('is null for a report without a port matrix', () => {
    expect(portMatrixOf(report())).toBeNull();
  });

  it("prefers the check's stored roll-up and derives the remediation from it", () => {
    const view = portMatrixOf(blockedPortsReport());
    expect(view?.profileId).toBe('desk-phone');
    expect(view?.failed.map((r) => r.purpose)).toEqual(['Desk phones media Secure Voice']);
    expect(view?.remediation).toMatch(/outbound UDP to destination port\(s\) 40000-49999/);
  });

  it('rolls the ports up from the profile when the check left no rows', () => {
    const r = blockedPortsReport();
    const withoutRows = { ...r, checks: r.checks.filter((c) => c.id !== 'port-matrix') };
    expect(portMatrixOf(withoutRows)?.failed.map((x) => x.ports)).toEqual(['40000-49999']);
  });
});

describe('renderText in another language', () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it('is English unless asked, and says the same report in German from the catalogue when asked', () => {
    // The report as a check of today writes it: each text beside its message.
    const TITLES: Record<string, Message> = {
      'relay-https': msg('title_relay_https'),
      'secure-media': msg('title_secure_media'),
      'port-matrix': msg('title_port_matrix'),
    };
    const blocked = blockedPortsReport();
    const r: Report = {
      ...blocked,
      headlineMessage: msg('headline_ports_blocked', msg('remediation_none')),
      checks: blocked.checks.map((c) => ({
        ...c,
        ...(TITLES[c.id] ? { titleMessage: TITLES[c.id] } : {}),
        summaryMessage: msg('sum_https_ok', 'TLSv1.3', 20),
      })),
      nat: blocked.nat ? { ...blocked.nat, summaryMessage: msg('nat_behind') } : null,
    };
    expect(renderText(r)).toBe(renderText(r, ENGLISH));
    expect(renderText(r)).toContain(
      '  PASS  HTTPS to the relay (20 ms)\n        Relay reached over TLSv1.3 in 20 ms.',
    );
    restore = useBrowserLanguage('de');
    const text = renderText(r, UI);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Secure Voice Check: [A-ZÄÖÜ]+$/);
    expect(lines[0]).not.toContain(renderText(r).split('\n')[0]?.split(': ')[1] ?? '');
    expect(text).toMatch(/Firewall \(Tischtelefon\): \d+ von \d+ prüfbaren Zeilen offen, 1 blockiert/);
    expect(text).toContain('BLOCKIERT UDP 40000-49999');
    expect(text).toContain(
      '      Ports 40000, 44999, 49999: Keine Antwort innerhalb der Frist: vermutlich verwirft eine Firewall den Verkehr',
    );
    expect(text).toContain('Relay https://relay.example:8443');
    // Every English line of the text is gone, not only the frame: titles, summaries and the rules to add.
    for (const english of [
      'HTTPS to the relay',
      'Please allow',
      'testable rows',
      'round trip',
      'extension ',
    ]) {
      expect(text, english).not.toContain(english);
    }
    expect(text).not.toMatch(/\$\d/);
  });
});

describe('renderText: relays compared', () => {
  let restoreLanguage: () => void = () => undefined;
  afterEach(() => restoreLanguage());

  const regions = comparisonResult(
    [
      {
        name: 'Paris',
        url: 'https://par.example',
        primary: true,
        httpsMs: 21,
        rttMs: 4.4,
        lossPercent: 11.53,
        jitterMs: 2.26,
        mos: 3.02,
        problem: null,
      },
      {
        name: 'Frankfurt',
        url: 'https://fra.example',
        primary: false,
        httpsMs: 18,
        rttMs: 3,
        lossPercent: 0,
        jitterMs: 1,
        mos: 4.41,
        problem: null,
      },
      {
        name: 'Madrid',
        url: 'https://mad.example',
        primary: false,
        httpsMs: null,
        rttMs: null,
        lossPercent: null,
        jitterMs: null,
        mos: null,
        problem: msg('net_connection_refused', 'mad.example'),
      },
    ],
    900,
  );
  const r = buildReport(
    {
      runId: 'r',
      startedAt: '2026-12-03T12:00:00Z',
      finishedAt: '2026-12-03T12:00:09Z',
      relayUrl: 'https://par.example',
      extensionVersion: '1',
      browser: 'test',
    },
    [regions],
  );

  it('lists each relay with its own figures, best first, and the recommendation', () => {
    expect(renderText(r)).toContain(
      [
        '  Relays compared: Recommended relay: Frankfurt (calls through it would sound best: MOS 4.4, against 3.0 through Paris). Madrid was not measured: Connection refused by mad.example: nothing is listening there, or a firewall rejects it. Check that the service is running and the port is open.',
        '    Frankfurt (recommended) <https://fra.example>: HTTPS 18 ms, round trip 3 ms, loss 0 %, jitter 1 ms, MOS 4.4',
        '    Paris (configured) <https://par.example>: HTTPS 21 ms, round trip 4 ms, loss 11.5 %, jitter 2.3 ms, MOS 3',
      ].join('\n'),
    );
    expect(renderText(r)).toMatch(/ {4}Madrid <https:\/\/mad\.example>: not measured: Connection refused/);
  });

  it('says it in German', () => {
    restoreLanguage = useBrowserLanguage('de');
    const text = renderText(r, UI);
    expect(text).toContain(
      'Relays im Vergleich: Empfohlenes Relay: Frankfurt (Anrufe darüber klängen am besten: MOS 4,4, gegenüber 3,0 über Paris).',
    );
    expect(text).toContain(
      'Paris (eingestellt) <https://par.example>: HTTPS 21 ms, Umlaufzeit 4 ms, Verlust 11,5 %, Jitter 2,3 ms, MOS 3',
    );
    expect(text).toContain('Madrid <https://mad.example>: nicht gemessen:');
  });
});
