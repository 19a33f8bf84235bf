/**
 * Proves the namespace harness before other tests rely on it: what the rules block really is blocked, what they
 * leave alone still works, Chromium runs inside the namespace, and nothing is left behind. All traffic stays on
 * the test's own veth pair and loopbacks.
 */
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from '../../src/cli/chromium.ts';
import {
  blockUdpTo,
  clearRules,
  createNetns,
  dropUdpRandomly,
  type Netns,
  requireNetns,
  tcpEchoFromNs,
  udpEchoFromNs,
} from './harness/netns.ts';
import { ROOT } from './harness/relay-process.ts';

let ns: Netns;
let tcpServer: TcpServer;
let udpServer: Socket;
let tcpPort: number;
let udpPort: number;
let udpSeenByHost = 0;

beforeAll(async () => {
  // Fail (not skip) when the machine cannot do this: a silently skipped network test proves nothing.
  requireNetns();
  ns = await createNetns();
  tcpServer = createTcpServer((sock) => sock.pipe(sock));
  tcpServer.listen(0, ns.hostAddress);
  await once(tcpServer, 'listening');
  tcpPort = (tcpServer.address() as AddressInfo).port;
  udpServer = createSocket('udp4');
  udpServer.on('message', (msg, rinfo) => {
    udpSeenByHost++;
    udpServer.send(msg, rinfo.port, rinfo.address);
  });
  udpServer.bind(0, ns.hostAddress);
  await once(udpServer, 'listening');
  udpPort = udpServer.address().port;
});

afterAll(async () => {
  tcpServer?.close();
  udpServer?.close();
  await ns?.destroy();
});

describe('network namespace harness', () => {
  it('reaches the host address over TCP and UDP from inside the namespace', async () => {
    expect(await tcpEchoFromNs(ns, ns.hostAddress, tcpPort)).toEqual({ ok: true, reply: 'ping' });
    const udp = await udpEchoFromNs(ns, ns.hostAddress, udpPort, { count: 5 });
    expect(udp).toMatchObject({ sent: 5, received: 5, sendErrors: 0 });
  });

  it('blockUdpTo drops UDP silently both ways while TCP still works', async () => {
    expect(await blockUdpTo(ns)).toBe('silent');
    const before = udpSeenByHost;
    const udp = await udpEchoFromNs(ns, ns.hostAddress, udpPort, { count: 5, timeoutMs: 800 });
    // No echo, no send error (a firewall out on the path gives none), and nothing reached the host.
    expect(udp).toMatchObject({ sent: 5, received: 0, sendErrors: 0 });
    expect(udpSeenByHost - before).toBe(0);
    expect(await tcpEchoFromNs(ns, ns.hostAddress, tcpPort)).toEqual({ ok: true, reply: 'ping' });
  });

  it('clearRules restores UDP', async () => {
    await clearRules(ns);
    expect(await udpEchoFromNs(ns, ns.hostAddress, udpPort, { count: 5 })).toMatchObject({ received: 5 });
  });

  it('dropUdpRandomly at 0.5 loses about half the echoes from the given source ports', async () => {
    await dropUdpRandomly(ns, {
      fromHost: ns.hostAddress,
      sourcePorts: `${udpPort}:${udpPort}`,
      probability: 0.5,
    });
    const before = udpSeenByHost;
    const udp = await udpEchoFromNs(ns, ns.hostAddress, udpPort, { count: 200, timeoutMs: 1500 });
    const fraction = udp.received / udp.sent;
    // Binomial(200, 0.5) has a standard deviation of 0.035: 0.3–0.7 is almost six of them either side.
    expect(fraction).toBeGreaterThan(0.3);
    expect(fraction).toBeLessThan(0.7);
    // Loss is on the way back only: the host saw every datagram.
    expect(udpSeenByHost - before).toBe(200);
    await clearRules(ns);
  });

  describe('Chromium inside the namespace', () => {
    let browser: ExtensionBrowser | undefined;
    let hostHttp: HttpServer;
    let rootLoopbackHttp: HttpServer;
    let rootLoopbackHits = 0;

    beforeAll(async () => {
      hostHttp = createHttpServer((_req, res) => res.end('hello from the host end of the veth'));
      hostHttp.listen(0, ns.hostAddress);
      await once(hostHttp, 'listening');
      // Stands for anything on the machine's own loopback, which the namespace must not see.
      rootLoopbackHttp = createHttpServer((_req, res) => {
        rootLoopbackHits++;
        res.end('root loopback');
      });
      rootLoopbackHttp.listen(0, '127.0.0.1');
      await once(rootLoopbackHttp, 'listening');
      browser = await launchWithExtension({
        extensionDir: join(ROOT, 'dist/chrome'),
        executablePath: ns.chromiumWrapper,
      });
    });

    afterAll(async () => {
      await browser?.close();
      hostHttp?.close();
      rootLoopbackHttp?.close();
    });

    it('runs in the namespace with the extension loaded', async () => {
      expect(browser?.extensionId).toMatch(/^[a-p]{32}$/);
      // The browser's processes are the namespace's processes.
      expect(execFileSync('ip', ['netns', 'pids', ns.name], { encoding: 'utf8' }).trim()).not.toBe('');
    });

    it('fetches from the host address', async () => {
      const page = await (browser as ExtensionBrowser).context.newPage();
      const url = `http://${ns.hostAddress}:${(hostHttp.address() as AddressInfo).port}/`;
      const response = await page.goto(url);
      expect(response?.status()).toBe(200);
      expect(await page.evaluate(async (u) => (await fetch(u)).text(), url)).toBe(
        'hello from the host end of the veth',
      );
      await page.close();
    });

    it("cannot reach the root namespace's 127.0.0.1", async () => {
      const port = (rootLoopbackHttp.address() as AddressInfo).port;
      // The server is up: the test process, in the root namespace, reaches it.
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('root loopback');
      const hitsBefore = rootLoopbackHits;
      const page = await (browser as ExtensionBrowser).context.newPage();
      await expect(page.goto(`http://127.0.0.1:${port}/`, { timeout: 10_000 })).rejects.toThrow(
        /ERR_CONNECTION_REFUSED/,
      );
      expect(rootLoopbackHits).toBe(hitsBefore);
      await page.close();
    });
  });

  it('destroy removes the namespace, the veth pair and the processes in it', async () => {
    const { name, hostInterface } = ns;
    await ns.destroy();
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(name);
    expect(execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })).not.toContain(hostInterface);
  });
});
