/**
 * The port matrix in Firefox ESR inside a network namespace, against the relay on the namespace's host
 * address (no loopback preferences): TCP and UDP ports open, and a firewall that drops the provider's SRTP
 * range named port by port, with media falling back to ICE over TCP; and a path that drops the relay's large
 * UDP datagrams, where DTLS stalls after the relay's first answer arrived.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probePortFlags } from '../../scripts/probe-ports.ts';
import { runCheckInExtension } from '../../src/cli/drive-extension.ts';
import { type FirefoxExtensionBrowser, launchFirefoxWithExtension } from '../../src/cli/firefox.ts';
import { dropLargeUdpFrom, expectDtlsStalledOnTheWayBack } from './harness/dtls-stall.ts';
import { certificateFor, firefoxInNsWrapper } from './harness/firefox-netns.ts';
import { clearRules, createNetns, dropUdpToPorts, type Netns, requireNetns } from './harness/netns.ts';
import { type RelayProcess, ROOT, startRelayProcess } from './harness/relay-process.ts';
import { matrix, notOpen } from './harness/report-views.ts';

/** Relay ports 30000-39999 stand in for the provider's SRTP range 40000-49999 (see scripts/probe-ports.ts). */
const SRTP_RELAY_RANGE = '30000:39999';
const MEDIA_PORTS = '35000-35099';

let ns: Netns;
let dir: string;
let relay: RelayProcess;
let firefox: FirefoxExtensionBrowser;
let page: Page;

beforeAll(async () => {
  requireNetns();
  ns = await createNetns();
  dir = await mkdtemp(join(tmpdir(), 'svc-firefox-ns-'));
  const { cert, key } = await certificateFor(ns.hostAddress, dir);
  const flags = probePortFlags();
  flags[flags.indexOf('--media-ports') + 1] = MEDIA_PORTS;
  relay = await startRelayProcess(['--host', ns.hostAddress, '--cert', cert, '--key', key, ...flags]);
  firefox = await launchFirefoxWithExtension({
    extensionDir: join(ROOT, 'dist/firefox'),
    trustCertFiles: [cert],
    wrapper: firefoxInNsWrapper(ns, dir),
  });
  page = await firefox.openPage('options/options.html');
});
afterEach(async () => {
  await clearRules(ns);
});
afterAll(async () => {
  await firefox?.close();
  await relay?.stop();
  await ns?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const runCheck = () =>
  runCheckInExtension(page, { relayUrl: relay.url, targets: [], profile: 'desk-phone' }, 'quick', 90_000);

describe('Firefox ESR port matrix in a namespace', () => {
  it('all open: TCP and UDP ports open, media over UDP from the namespace’s own address', async () => {
    const r = await runCheck();
    expect(notOpen(r)).toEqual([]);
    const open = (transport: string) =>
      r.ports.filter((p) => p.transport === transport && p.status === 'open');
    expect(open('tcp').map((p) => p.port)).toContain(5096);
    expect(open('udp').map((p) => p.port)).toEqual(expect.arrayContaining([40000, 44999, 49999]));
    expect(matrix(r)?.status).toBe('pass');
    expect(r.media).toMatchObject({ encrypted: true, transport: 'udp' });
    expect(r.verdict, r.headline).toBe('ready');
  });

  it('UDP 40000-49999 dropped: exactly those ports are named blocked, with the rule to add; media over TCP', async () => {
    await dropUdpToPorts(ns, SRTP_RELAY_RANGE);
    const r = await runCheck();
    expect(notOpen(r)).toEqual(['udp:40000:blocked', 'udp:44999:blocked', 'udp:49999:blocked']);
    const remediation = (matrix(r)?.data.remediation ?? []) as Array<{ protocol: string; ports: string }>;
    expect(remediation.map((l) => `${l.protocol} ${l.ports}`)).toEqual(['UDP 40000-49999']);
    expect(r.verdict).toBe('blocked');
    expect(r.media?.transport).toBe('tcp');
  });

  it('large UDP packets from the relay dropped: DTLS stalls, named as loss or MTU on the way back, not a firewall', async () => {
    await dropLargeUdpFrom(ns, MEDIA_PORTS.replace('-', ':'));
    expectDtlsStalledOnTheWayBack(await runCheck(), 'Firefox');
  });
});
