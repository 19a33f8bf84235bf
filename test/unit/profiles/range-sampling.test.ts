/**
 * Sampling of large port ranges (issue 12 item 3): a run probes 32 ports of each large range, one per equal
 * stretch with both ends, drawn from what the relay offers and anew each run; the relay listens on 128 of
 * each range given as A-B, never on its media ports; and a report names how much of a range it covered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { rollUpRows, sampledRows } from '../../../src/checks/ports/rollup.ts';
import type { PortResult } from '../../../src/checks/ports/types.ts';
import { msg } from '../../../src/messages/catalog.ts';
import { english, renderMessage } from '../../../src/messages/render.ts';
import { UI } from '../../../src/platform/i18n.ts';
import { profileById } from '../../../src/profiles/index.ts';
import {
  portsToProbe,
  probeTargets,
  SAMPLES_PER_RANGE,
  stratifiedSample,
} from '../../../src/profiles/sample-ports.ts';
import { PROBE_PORTS_PER_RANGE } from '../../../src/protocol/relay-messages.ts';
import { loadConfig } from '../../../src/relay/config/load.ts';
import { useBrowserLanguage } from '../i18n/fake-browser-i18n.ts';

const SRTP = { from: 40000, to: 49999 };
/** A seeded generator, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

describe('stratifiedSample', () => {
  it('takes one port per equal stretch, both ends included, all inside the range, ascending', () => {
    const ports = stratifiedSample(SRTP, 32, seeded(1));
    expect(ports).toHaveLength(32);
    expect(ports[0]).toBe(40000);
    expect(ports.at(-1)).toBe(49999);
    expect([...ports].sort((a, b) => a - b)).toEqual(ports);
    ports.forEach((p, i) => {
      expect(p).toBeGreaterThanOrEqual(40000 + Math.floor((i * 10000) / 32));
      expect(p).toBeLessThan(40000 + Math.floor(((i + 1) * 10000) / 32));
    });
  });

  it('draws differently from run to run', () => {
    const a = stratifiedSample(SRTP, 32, seeded(1));
    const b = stratifiedSample(SRTP, 32, seeded(2));
    expect(a.filter((p) => !b.includes(p)).length).toBeGreaterThan(20);
  });

  it('draws only from the available ports, and leaves out what accept refuses', () => {
    const available = stratifiedSample(SRTP, 128, seeded(3));
    const run = stratifiedSample(SRTP, 32, seeded(4), { available });
    expect(run).toHaveLength(32);
    expect(run.every((p) => available.includes(p))).toBe(true);
    const media = (p: number) => p < 41000 || p > 41019;
    expect(stratifiedSample(SRTP, 128, seeded(5), { accept: media }).some((p) => !media(p))).toBe(false);
  });

  it('a contiguous block two stretches wide is always hit (625 of 10,000 ports)', () => {
    const random = seeded(6);
    for (let i = 0; i < 200; i++) {
      const pool = stratifiedSample(SRTP, 128, random);
      const run = portsToProbe(SRTP, pool, random);
      const start = 40000 + Math.floor(random() * (10000 - 625));
      expect(run.some((p) => p >= start && p < start + 625)).toBe(true);
    }
  });
});

describe('portsToProbe', () => {
  it('probes a small range whole, a large one by sample, and falls back to ends and middle', () => {
    expect(portsToProbe({ from: 5090, to: 5091 }, null, Math.random)).toEqual([5090, 5091]);
    expect(portsToProbe(SRTP, stratifiedSample(SRTP, 128, seeded(7)), seeded(8))).toHaveLength(
      SAMPLES_PER_RANGE,
    );
    expect(portsToProbe(SRTP, [5096], Math.random)).toEqual([40000, 44999, 49999]);
    expect(portsToProbe(SRTP, null, Math.random)).toEqual([40000, 44999, 49999]);
  });
});

describe('probeTargets with the ports a relay offers', () => {
  it('probes 32 ports of each large range, drawn from the offer, and each shared range once', () => {
    const desk = profileById('desk-phone');
    if (!desk) throw new Error('no desk phone profile');
    const udp = [
      ...stratifiedSample({ from: 20000, to: 39999 }, 128, seeded(9)),
      ...stratifiedSample(SRTP, 128, seeded(10)),
    ];
    const targets = probeTargets(desk, { tcp: [80, 443, 5090, 5096], udp }, seeded(11));
    const srtp = targets.filter((t) => t.transport === 'udp' && t.port >= 40000);
    expect(srtp).toHaveLength(32);
    expect(srtp.every((t) => udp.includes(t.port))).toBe(true);
    expect(targets.filter((t) => t.transport === 'udp' && t.port < 40000)).toHaveLength(32);
    expect(targets.filter((t) => t.transport === 'tcp' && t.port === 5090)[0]?.rowIds).toEqual([
      'desk-phone-sip-tcp',
      'desk-phone-presence-sip-tcp',
    ]);
  });
});

describe('relay ranges (--probe-udp A-B[:C])', () => {
  it(`listens on ${PROBE_PORTS_PER_RANGE} ports of a range, ends included, drawn from the whole range though media is inside it`, () => {
    // Media over the whole SRTP range (deploy/relay.json): the sample still covers it; media leaves these out.
    const c = loadConfig(['--probe-udp', '8801,40000-49999', '--media-ports', '40000-49999'], {});
    const inRange = c.probeUdp.filter((p) => p.providerPort >= 40000 && p.providerPort <= 49999);
    expect(c.probeUdp[0]).toEqual({ providerPort: 8801, relayPort: 8801 });
    expect(inRange.length).toBe(PROBE_PORTS_PER_RANGE);
    expect(inRange.map((p) => p.providerPort)).toContain(40000);
    expect(inRange.map((p) => p.providerPort)).toContain(49999);
    expect(inRange.every((p) => p.relayPort === p.providerPort)).toBe(true);
  });

  it('keeps off a small media range inside the range, so a rule on the media ports alone reads as media', () => {
    for (let i = 0; i < 20; i++) {
      const c = loadConfig(['--probe-udp', '40000-49999', '--media-ports', '41000-41019'], {});
      expect(c.probeUdp).toHaveLength(PROBE_PORTS_PER_RANGE);
      expect(c.probeUdp.some((p) => p.relayPort >= 41000 && p.relayPort <= 41019)).toBe(false);
    }
  });

  it('maps a range onto relay ports from C', () => {
    const c = loadConfig(['--probe-udp', '40000-49999:30000', '--media-ports', '56000-56199'], {});
    expect(c.probeUdp.every((p) => p.relayPort === p.providerPort - 10000)).toBe(true);
  });

  it('refuses a range past 65535 or upside down, naming the flag', () => {
    expect(() => loadConfig(['--probe-udp', '60000-64999:62000'], {})).toThrow(
      /^--probe-udp: must be a comma list/,
    );
    expect(() => loadConfig(['--probe-udp', '49999-40000'], {})).toThrow(
      /^--probe-udp: must be a comma list/,
    );
  });
});

describe('coverage in words', () => {
  const desk = profileById('desk-phone');
  if (!desk) throw new Error('no desk phone profile');
  const targets = probeTargets(
    desk,
    {
      tcp: [80, 443, 5090, 5096],
      udp: stratifiedSample(SRTP, 128, seeded(12)).concat([20000, 29999, 39999]),
    },
    seeded(13),
  );
  const results = (blocked: (port: number) => boolean): PortResult[] =>
    targets.flatMap((t) =>
      t.rowIds.map((row) => ({
        profile: 'desk-phone',
        row,
        protocol: '',
        transport: t.transport,
        port: t.port,
        status: t.transport === 'udp' && blocked(t.port) ? ('blocked' as const) : ('open' as const),
        reason: '',
        ms: 1,
      })),
    );

  it('says "open on the 32 sampled ports of 10,000", never more than was probed', () => {
    const rows = rollUpRows(
      desk,
      results(() => false),
    );
    const srtp = rows.find((r) => r.row === 'desk-phone-srtp');
    expect(srtp).toMatchObject({
      status: 'open',
      detail: 'open on the 32 sampled ports of 10,000',
      measured: 32,
      size: 10000,
    });
    expect(rows.find((r) => r.row === 'desk-phone-sip-tls')).toMatchObject({
      detail: '5096 open',
      measured: 1,
      size: 1,
    });
    expect(english(msg('join_semicolons', sampledRows(rows)))).toBe(
      'UDP 20000-39999: 3 of 20,000 ports; UDP 40000-49999: 32 of 10,000 ports',
    );
  });

  describe('in German', () => {
    let restore: () => void = () => undefined;
    afterEach(() => restore());

    it('the same coverage, in German words and digits', () => {
      restore = useBrowserLanguage('de');
      const rows = rollUpRows(
        desk,
        results((p) => p >= 47000 && p <= 47999),
      );
      const srtp = rows.find((r) => r.row === 'desk-phone-srtp');
      if (!srtp?.detailMessage) throw new Error('no SRTP row message');
      expect(renderMessage(srtp.detailMessage, UI)).toMatch(
        /^blockiert auf [2-5] der 32 Stichproben-Ports von 10\.000: 47\d{3} blockiert/,
      );
      const sampled = renderMessage(msg('join_semicolons', sampledRows(rows)), UI);
      expect(sampled).toBe('UDP 20000-39999: 3 von 20.000 Ports; UDP 40000-49999: 32 von 10.000 Ports');
    });
  });

  it('names the blocked sample ports of a partly blocked range, and how many of how many', () => {
    const rows = rollUpRows(
      desk,
      results((p) => p >= 47000 && p <= 47999),
    );
    const srtp = rows.find((r) => r.row === 'desk-phone-srtp');
    expect(srtp?.status).toBe('partial');
    expect(srtp?.detail).toMatch(/^blocked on [2-5] of the 32 sampled ports of 10,000: 47\d{3} blocked/);
  });
});
