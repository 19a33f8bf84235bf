import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import selfsigned from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { captureClientHellos } from '../../../src/relay/client-hello-capture.ts';
import { firstRecordLength, isGrease, parseClientHello } from '../../../src/relay/core/client-hello.ts';

/** A ClientHello record with these cipher suites and extensions (type, body). */
function hello(suites: number[], extensions: Array<[number, number[]]>): Uint8Array {
  const u16 = (n: number) => [n >> 8, n & 0xff];
  const exts = extensions.flatMap(([t, body]) => [...u16(t), ...u16(body.length), ...body]);
  const body = [
    ...[3, 3],
    ...new Array(32).fill(7),
    0,
    ...u16(suites.length * 2),
    ...suites.flatMap(u16),
    1,
    0,
    ...u16(exts.length),
    ...exts,
  ];
  const handshake = [1, 0, body.length >> 8, body.length & 0xff, ...body];
  return Uint8Array.from([0x16, 3, 1, ...u16(handshake.length), ...handshake]);
}
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const sni = (name: string) => [0, name.length + 3, 0, 0, name.length, ...ascii(name)];
const alpn = (...names: string[]) => {
  const list = names.flatMap((n) => [n.length, ...ascii(n)]);
  return [0, list.length, ...list];
};

describe('the ClientHello the relay reads', () => {
  it('finds GREASE, the extensions in order, groups, ALPN and SNI', () => {
    const bytes = hello(
      [0x2a2a, 0x1301, 0x1302],
      [
        [0x4a4a, []],
        [0, sni('relay.example')],
        [10, [0, 6, 0xfa, 0xfa, 0x11, 0xec, 0, 29]],
        [16, alpn('h2', 'http/1.1')],
        [28, [0x40, 0x01]],
      ],
    );
    expect(isGrease(0x2a2a)).toBe(true);
    expect(isGrease(0x2a3a)).toBe(false);
    expect(parseClientHello(bytes)).toEqual({
      grease: true,
      extensions: [0, 10, 16, 28],
      groups: [0x11ec, 29],
      alpn: ['h2', 'http/1.1'],
      sni: 'relay.example',
      cipherSuites: 2,
    });
  });

  it('is not fooled by plain HTTP, a record longer than TLS allows, or a hello cut short', () => {
    expect(firstRecordLength(Buffer.from('GET / HTTP/1.1\r\n'))).toBe(0);
    expect(firstRecordLength(Uint8Array.from([0x16, 3, 1, 0x40, 0x01]))).toBe(0);
    expect(firstRecordLength(Uint8Array.from([0x16, 3]))).toBeNull();
    const whole = hello([0x1301], [[0, sni('relay.example')]]);
    expect(parseClientHello(whole.subarray(0, whole.length - 3))).toBeNull();
    // A record that claims more inside than it holds: read up to its end, never beyond.
    const lying = Uint8Array.from(whole);
    lying[lying.length - 1 - 'relay.example'.length] = 200; // the name's length
    expect(parseClientHello(lying)?.sni).toBe('relay.example');
  });

  it('reads the hello of a real TLS client on an HTTPS server, which then serves it as before', async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'relay.example' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
    });
    let capture: ReturnType<typeof captureClientHellos> | null = null;
    const server = createServer({ cert: pems.cert, key: pems.private }, (req, res) => {
      res.end(JSON.stringify(capture?.helloOf(req.socket)));
    });
    capture = captureClientHellos(server, 5000);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const body = await new Promise<string>((resolve, reject) => {
        let text = '';
        const s = connect(
          {
            port,
            host: '127.0.0.1',
            servername: 'relay.example',
            rejectUnauthorized: false,
            ALPNProtocols: ['http/1.1'],
          },
          () => s.write('GET / HTTP/1.1\r\nHost: relay.example\r\nConnection: close\r\n\r\n'),
        );
        s.on('data', (d) => {
          text += d;
        });
        s.on('error', reject);
        s.on('close', () => resolve(text.slice(text.indexOf('\r\n\r\n') + 4)));
      });
      const seen = JSON.parse(body);
      expect(seen).toMatchObject({ grease: false, alpn: ['http/1.1'], sni: 'relay.example' });
      expect(seen.extensions).not.toContain(28);
      // Plain HTTP to the TLS port is still closed by TLS at once (the stall diagnosis counts on it).
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    } finally {
      server.close();
    }
  });
});
