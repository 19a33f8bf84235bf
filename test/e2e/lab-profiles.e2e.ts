/**
 * The lab (harness/lab.ts), other profiles and other ways in: the app and meetings port tables, loss on
 * one direction of the path, a relay name the lab's DNS does not know, the command line run inside the
 * client namespace as an administrator runs it, and the popup. Each scenario asserts verdict, headline,
 * rows, every probed port and the remediation list.
 */
import { describe, expect, it } from 'vitest';
import { portReasonMessage } from '../../src/checks/ports/port-reason.ts';
import { request } from '../../src/cli/drive-extension.ts';
import { english } from '../../src/messages/render.ts';
import type { Report } from '../../src/protocol/report.ts';
import {
  type Expected,
  expectOutcome,
  LAB_MEDIA_PORTS,
  LAB_THRESHOLDS,
  labScenario,
  READY_HEADLINE,
  RELAY_URL,
  remediationLines,
  rowsNotOpen,
  rule,
  rules,
  SRTP_BLOCKED,
  useLab,
} from './harness/lab-session.ts';
import { ROOT } from './harness/relay-process.ts';
import { popupReasons } from './harness/report-views.ts';
import { runCli } from './harness/run-cli.ts';

const session = useLab();
const inRange = (p: number, from: number, to: number) => p >= from && p <= to;
const POOR_MEDIA =
  /^Calls may have problems: Secure media \(DTLS-SRTP audio loopback\)\. Encrypted audio works, but call quality would suffer: Packet loss \d+(\.\d)? % is at or above 5 %/;

/**
 * Loss over the fail limit, one the quick check's sample cannot tell from it (then it says so), or a loss
 * below it that still costs the call quality its MOS: the reason the loss gives, whichever is worst.
 */
const LOSSY_MEDIA =
  /^Calls may have problems: Secure media \(DTLS-SRTP audio loopback\)\. Encrypted audio works, but call quality would suffer: (Packet loss \d+(\.\d)? % (is|may be) at or above \d %|Estimated call quality \(MOS [\d.]+\) is below [\d.]+)/;
const scenario = (name: string, s: Parameters<typeof labScenario>[2]) => labScenario(session, name, s);
const READY: Expected = { verdict: 'ready', headline: READY_HEADLINE, rows: {}, remediation: [] };
const portBlocked = (headline: string, row: string, fix: string, port: Expected['port']): Expected => ({
  verdict: 'blocked',
  headline: `Blocked: the provider's ports are closed. Blocked for Secure Voice: ${headline}. Give your IT administrator the remediation list.`,
  rows: { [row]: 'blocked' },
  port,
  remediation: [fix],
});
/**
 * Media went over `transport` to one of the relay's `relayPorts` ("A-B"), which the report says stands in for
 * `range`, and the media summary ends with that sentence.
 */
const mediaOn =
  (
    transport: 'udp' | 'tcp',
    relayPorts: string,
    range: { row: string; from: number; to: number },
    sentence: (port: number) => string,
  ) =>
  (r: Report) => {
    const [first, last] = relayPorts.split('-').map(Number);
    const port = r.media?.mediaPort ?? 0;
    expect(r.media?.transport).toBe(transport);
    expect(inRange(port, first ?? 0, last ?? 0)).toBe(true);
    expect(r.media?.mediaPortRange).toEqual(range);
    expect(r.checks.find((c) => c.id === 'secure-media')?.summary.endsWith(sentence(port))).toBe(true);
  };
const poorMedia = (r: Report) => {
  expect(r.media?.transport).toBe('udp');
  expect(r.media?.lossPercent).toBeGreaterThan(5);
};

describe('lab: the other profiles', () => {
  scenario('mobile app, open network: ready, with its own ports (5097, 60000-64999, 443)', {
    profile: 'mobile-app',
    expect: READY,
    also: (r) => {
      const ports = new Set(r.ports.map((p) => `${p.transport} ${p.port}`));
      for (const p of ['tcp 5097', 'tcp 443', 'udp 60000', 'udp 64999']) expect(ports).toContain(p);
      expect(ports).not.toContain('tcp 5096');
      expect(r.media?.mediaPortRange?.row).toBe('mobile-app-srtp');
    },
  });

  // Issue 12 item 2: media used to go to the one media range (inside the desk phones' SRTP ports), so this
  // network read "degraded: UDP to the media ports seems blocked" for the apps.
  // The same network (the desk phones' SRTP range dropped, every mobile row open) for both profiles.
  for (const [name, profile, expected, check] of [
    [
      "mobile app, every mobile row open and the desk phones' SRTP range closed: ready, media on the apps' port",
      'mobile-app',
      READY,
      mediaOn(
        'udp',
        LAB_MEDIA_PORTS.apps,
        { row: 'mobile-app-srtp', from: 60000, to: 64999 },
        (port) =>
          `Media went to the relay's UDP port ${port}, standing in for UDP 60000-64999 (Mobile app media Secure Voice).`,
      ),
    ],
    [
      "desk phone on the same network: the desk phones' SRTP range blocked, media over ICE-TCP on the desk port",
      'desk-phone',
      SRTP_BLOCKED,
      mediaOn(
        'tcp',
        LAB_MEDIA_PORTS.desk,
        { row: 'desk-phone-srtp', from: 40000, to: 49999 },
        (port) =>
          `Media went to the relay's TCP port ${port} (ICE-TCP); over UDP that port stands in for UDP 40000-49999 (Desk phones media Secure Voice).`,
      ),
    ],
  ] as const) {
    scenario(name, {
      profile,
      setup: rules(rule.udp('40000:49999', ...rule.drop)),
      expect: expected,
      also: check,
    });
  }

  scenario('mobile app, UDP 60000-64999 dropped: its SRTP row blocked', {
    profile: 'mobile-app',
    setup: rules(rule.udp('60000:64999', ...rule.drop)),
    expect: portBlocked(
      'UDP 60000-64999 (Mobile app media Secure Voice)',
      'mobile-app-srtp',
      'UDP 60000-64999',
      (t, p) => (t === 'udp' && inRange(p, 60000, 64999) ? 'blocked' : 'open'),
    ),
  });

  scenario('desktop app, SIP/TLS 5097 rejected: refused, its row blocked, and the app cannot register', {
    profile: 'desktop-app',
    setup: rules(rule.tcp('5097', ...rule.reset)),
    expect: {
      ...portBlocked(
        'TCP 5097 (RingCentral for Desktop signaling SecureVoice)',
        'desktop-app-sip-tls',
        'TCP 5097',
        (t, p) => (t === 'tcp' && p === 5097 ? 'refused' : 'open'),
      ),
      headline:
        'Blocked: phones cannot register, Secure Voice signaling is blocked: TCP 5097 (RingCentral for Desktop signaling SecureVoice). Give your IT administrator the remediation list.',
    },
  });

  scenario('meetings, open network: ready; its Secure Voice rows are answered on 443, the relay HTTPS port', {
    profile: 'meetings',
    expect: READY,
    also: (r) => {
      const on443 = r.ports.filter((p) => p.transport === 'tcp' && p.port === 443);
      expect(on443.map((p) => `${p.row} ${p.status}`).sort()).toEqual([
        'meetings-sip-tls open',
        'meetings-tls-media open',
      ]);
    },
  });

  scenario('meetings, TCP 8801-8802 dropped: a non-Secure-Voice row blocked, degraded', {
    profile: 'meetings',
    setup: rules(rule.tcp('8801:8802', ...rule.drop)),
    expect: {
      verdict: 'degraded',
      headline:
        "Calls may have problems: Firewall: the provider's ports. Secure Voice ports are open, but 1 other row(s) are blocked: TCP 8801, 8802.",
      rows: { 'meetings-sip-tcp': 'blocked' },
      port: (t, p) => (t === 'tcp' && inRange(p, 8801, 8802) ? 'blocked' : 'open'),
      remediation: ['TCP 8801, 8802'],
    },
  });
});

describe('lab: loss on one direction of the path', () => {
  scenario('20 % of UDP towards the client lost: media works but is poor, the loss is the downlink’s', {
    setup: rules(rule.loss('down', 0.2)),
    expect: { verdict: 'degraded', headline: POOR_MEDIA, rows: {}, remediation: [] },
    also: (r) => {
      poorMedia(r);
      expect(r.media?.loss?.scored).toBe('downlink');
      expect(r.media?.loss?.uplink?.percent).toBeLessThan(r.media?.loss?.downlink?.percent ?? 0);
    },
  });

  // Issue 12 item 5: this one used to end "blocked" ("no audio came back ... check UDP rules") in some runs.
  scenario('10 % of UDP from the client lost, nothing blocked: degraded with the uplink’s loss', {
    setup: rules(rule.loss('up', 0.1)),
    expect: { verdict: 'degraded', headline: LOSSY_MEDIA, rows: {}, remediation: [] },
    also: (r) => {
      expect(r.media?.transport).toBe('udp');
      expect(r.media?.loss?.scored).toBe('uplink');
      const up = r.media?.loss?.uplink;
      const down = r.media?.loss?.downlink;
      // 10 % dropped, measured over ~300 packets: 3 % or 20 % would be four standard errors off.
      expect(up?.percent).toBeGreaterThan(3);
      expect(up?.percent).toBeLessThan(20);
      expect(down?.percent).toBeLessThan(up?.percent ?? 0);
      expect(r.headline).toMatch(/loss [\d.]+ % up and [\d.]+ % down \(±[\d.]+ points\)/);
    },
  });
});

describe('lab: names, the command line and the popup', () => {
  scenario('a relay name the DNS does not know: blocked at the relay, naming the host', {
    relayUrl: 'https://nowhere.voice.test',
    expect: {
      verdict: 'blocked',
      headline: /^Blocked: HTTPS to the relay failed\. .*nowhere\.voice\.test/,
      rows: {},
      remediation: [],
      noMatrix: true,
    },
    also: (r) => expect(r.checks.find((c) => c.id === 'relay-https')?.status).toBe('fail'),
  });

  // The command line starts its own Chromium with the shipped call-quality limits, so its scenarios are ones
  // where the firewall decides the verdict (a loaded test machine cannot turn them into another verdict).
  // With the SRTP range refused, media has only ICE-TCP left: its connection is one Chromium opens through
  // its resolver, so the command line's rule that resolves only the relay's name must leave the relay's
  // address alone (it once mapped it to "not found": ICE checking, no connection within 8 s).
  it('`npm run check` inside the client namespace, by name with --ca-cert, UDP 40000-49999 refused: blocked by the SRTP row, media over ICE-TCP', async () => {
    await session.lab.forward(rule.udp('40000:49999', ...rule.portUnreachable));
    const r = await runCli(
      ['--json', '--relay', RELAY_URL, '--ca-cert', session.labCa.caFile, '--profile', 'desk-phone'],
      {},
      ROOT,
      session.lab.client.prefix,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expectOutcome(report, SRTP_BLOCKED);
    expect(report.relayUrl).toBe(RELAY_URL);
    expect(report.media?.transport).toBe('tcp');
    expect(report.checks.find((c) => c.id === 'secure-media')).toMatchObject({
      status: 'warn',
      reason: 'tcp-fallback',
    });
  });

  it('`npm run check --json` with SIP/TLS 5096 dropped: exit 1, the same verdict and rows as the extension', async () => {
    await session.lab.forward(rule.tcp('5096', ...rule.drop));
    const r = await runCli(
      ['--json', '--relay', RELAY_URL, '--ca-cert', session.labCa.caFile],
      {},
      ROOT,
      session.lab.client.prefix,
    );
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expectOutcome(report, {
      verdict: 'blocked',
      headline:
        'Blocked: phones cannot register, Secure Voice signaling is blocked: TCP 5096 (Desk phones signaling Secure Voice). Give your IT administrator the remediation list.',
      rows: { 'desk-phone-sip-tls': 'blocked' },
      port: (t, p) => (t === 'tcp' && p === 5096 ? 'blocked' : 'open'),
      remediation: ['TCP 5096'],
    });
  });

  it('the popup, with UDP 40000-49999 dropped: shows blocked, the headline, and the failed port row', async () => {
    await session.lab.forward(rule.udp('40000:49999', ...rule.drop));
    const { browser } = session;
    const options = await browser.openPage('options/options.html');
    await request(options, {
      type: 'saveSettings',
      settings: { relayUrl: RELAY_URL, targets: [], profile: 'desk-phone', thresholds: LAB_THRESHOLDS },
    });
    await options.close();
    const popup = await browser.context.newPage();
    try {
      await popup.goto(`chrome-extension://${browser.extensionId}/popup/popup.html`);
      await popup.locator('.status[data-running="true"]').waitFor({ timeout: 5000 });
      await popup.locator('.status[data-running="false"]').waitFor({ timeout: 60_000 });
      await popup.locator('[data-verdict]').waitFor({ timeout: 5000 });
      expect(await popup.locator('[data-verdict]').getAttribute('data-verdict')).toBe('blocked');
      expect(await popup.locator('.verdict-headline').textContent()).toBe(
        "Blocked: the provider's ports are closed. Blocked for Secure Voice: UDP 40000-49999 (Desk phones media Secure Voice). Give your IT administrator the remediation list.",
      );
      const rows = await popup
        .locator('.checks > li')
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-check-id'), e.getAttribute('data-status')]),
        );
      expect(rows).toEqual([
        ['relay-https', 'pass'],
        ['relay-wss', 'pass'],
        ['secure-media', 'warn'],
        ['port-matrix', 'fail'],
      ]);
      // The same run, as stored: the rows and the fix behind what the popup shows.
      const state = (await request(popup, { type: 'getState' })) as {
        last: Parameters<typeof rowsNotOpen>[0];
      };
      expect(rowsNotOpen(state.last)).toEqual({ 'desk-phone-srtp': 'blocked' });
      expect(remediationLines(state.last)).toEqual(['UDP 40000-49999']);
      // The port check's row, opened, says why each port that is not plainly open has its status, in words,
      // the code kept as the tooltip: the dropped SRTP ports first of all (twelve at most are listed).
      await popup.locator('[data-check-id="port-matrix"] summary').click();
      const shown = await popupReasons(popup);
      const explained = new Map(
        (state.last as Report).ports
          .filter((p) => p.status !== 'not-testable' && !(p.status === 'open' && p.reason === 'ok'))
          .map((p) => [`${p.transport}:${p.port}`, p]),
      );
      expect(shown.length).toBe(Math.min(12, explained.size));
      for (const s of shown) {
        const measured = explained.get(s.port);
        expect(measured?.reason, s.port).toBe(s.code);
        expect(s.title, s.port).toBe(s.code);
        expect(s.text, s.port).toBe(english(portReasonMessage(s.code ?? '')));
        if (measured?.status === 'blocked') expect(s.text).toMatch(/a firewall probably drops the traffic$/);
      }
      expect(shown.filter((s) => explained.get(s.port)?.status === 'blocked').length).toBeGreaterThan(0);
    } finally {
      await popup.close();
    }
  });
});
