/**
 * Fixed ports of the tests (test/ports.ts): a port inside Linux's ephemeral range that a file under test/ or
 * scripts/ listens on, and that the table does not give to that file, is not reserved for the run and can be
 * taken by any socket bound to port 0 (EADDRINUSE at random); two files that run side by side on one port
 * fail the same way. The scan reads the forms the tests use: `relayOn(47320)`, `relayWith(47120, 47121)`,
 * `{ first: 47300, last: 47309 }`, `const MEDIA_PORTS = { from: 47200, to: 47219 }`, `'--media-ports',
 * '47460-47469'`, `'--probe-udp', '40000:30000'`, `const NATIVE_ECHO_PORT = 47340`, `['lean', 47230]`,
 * `sock.bind(47172, …)`, `port: 47999`.
 */
import { existsSync, globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRanges, overlaps, parseRanges, removeRanges } from '../../port-ranges.ts';
import { EPHEMERAL, PORT_CLAIMS } from '../../ports.ts';

const ROOT = join(import.meta.dirname, '../../..');

/** A file that starts a relay or opens a socket: its port literals are ports something listens on. */
const LISTENS =
  /startTestRelay|startRelayProcess|useExtensionSession|useFirefoxSession|createRelay\(|createSocket\(|createServer\(|new EchoSession|\.bind\(|\.listen\(|relayArgs/;

const PORT_FORMS: RegExp[] = [
  // '47460-47469', `56000-56199`: a port range as a flag or a constant takes it
  /['"`](\d{4,5})-(\d{4,5})['"`]/g,
  // { first: 47300, last: 47309 }
  /\bfirst:\s*(\d{4,5}),\s*last:\s*(\d{4,5})\b/g,
  // const MEDIA_PORTS = { from: 47200, to: 47219 }
  /\b(?:const|let)\s+\w+\s*=\s*\{\s*from:\s*(\d{4,5}),\s*to:\s*(\d{4,5})\s*\}/g,
  // const NATIVE_ECHO_PORT = 47340, let nextPort = 47700
  /\b(?:const|let)\s+\w*port\w*\s*=\s*(\d{4,5})\b/gi,
  // relayOn(47320), relayWith(47120, 47121), sock.bind(47172, …); not expect(…).toBe(47143)
  /\b(?!to[A-Z])\w+\(\s*(\d{5})\b(?:\s*,\s*(\d{5})\b)?/g,
  // it.each([['lean', 47230], …])
  /\[\s*'[^']*',\s*(\d{5})\s*\]/g,
  // '--port', '47999'
  /'--[\w-]*port[\w-]*',\s*['"`](\d{4,5})['"`]/g,
  // port: 47999, relayPort: 47999
  /\b(?:port|relayPort):\s*(\d{5})\b/g,
];

/** Port literals of a source in the forms above, as port lists ("47120-47121") with their line. */
function portLiterals(source: string): Array<{ ports: string; line: number }> {
  const found: Array<{ ports: string; line: number }> = [];
  const add = (first: number, last: number, index: number) => {
    if (first > last || last > 65_535) return;
    found.push({ ports: formatRanges([[first, last]]), line: source.slice(0, index).split('\n').length });
  };
  for (const form of PORT_FORMS) {
    for (const m of source.matchAll(form)) {
      const [a, b] = [Number(m[1]), m[2] === undefined ? undefined : Number(m[2])];
      // Two arguments of a call are a range only in that order (relayWith(first, last)); else two ports.
      if (b !== undefined && b < a) {
        add(a, a, m.index);
        add(b, b, m.index);
      } else add(a, b ?? a, m.index);
    }
  }
  // '--probe-udp', '8801:18801,40000:30000': the relay port is after the colon.
  for (const m of source.matchAll(/'--probe-(?:tcp|udp)',\s*'([\d:,]+)'/g)) {
    for (const entry of (m[1] as string).split(',')) {
      const port = Number(entry.split(':').at(-1));
      add(port, port, m.index);
    }
  }
  return found;
}

const NOT_LISTENERS = ['test/ports.ts', 'test/unit/test-ports/fixed-ports.test.ts'];
const sources = globSync(['test/**/*.{ts,tsx}', 'scripts/**/*.ts'], { cwd: ROOT })
  // The table and this file's examples are not ports anything listens on.
  .filter((file) => !file.startsWith('test/fixtures/') && !NOT_LISTENERS.includes(file))
  .sort();

describe('fixed test ports (test/ports.ts)', () => {
  it('reads the forms the tests use', () => {
    const source = [
      'await relayOn(47320);',
      "startRelayProcess(['--media-ports', '47460-47469']);",
      'const relay = await relayWith(47120, 47121);',
      'const r = await startTestRelay({ media: { ports: { first: 47300, last: 47309 } } });',
      'const MEDIA_PORTS = { from: 47200, to: 47219 };',
      'const NATIVE_ECHO_PORT = 47340;',
      "sock.bind(47172, '127.0.0.1', resolve);",
      "it.each([['lean', 47230]])",
      "['--probe-udp', '8801:18801,40000:30000']",
      'expect(await portFor("mobile-app")).toBe(47143);',
    ].join('\n');
    expect(portLiterals(source).sort((x, y) => x.line - y.line)).toEqual([
      { ports: '47320', line: 1 },
      { ports: '47460-47469', line: 2 },
      { ports: '47120-47121', line: 3 },
      { ports: '47300-47309', line: 4 },
      { ports: '47200-47219', line: 5 },
      { ports: '47340', line: 6 },
      { ports: '47172', line: 7 },
      { ports: '47230', line: 8 },
      { ports: '18801', line: 9 },
      { ports: '30000', line: 9 },
    ]);
  });

  it('claims, for the file that listens there, every literal port inside the ephemeral range', () => {
    const unclaimed: string[] = [];
    let scanned = 0;
    for (const file of sources) {
      const source = readFileSync(join(ROOT, file), 'utf8');
      if (!LISTENS.test(source)) continue;
      scanned++;
      const claimed = PORT_CLAIMS.filter((c) => c.file === file).map((c) => c.ports);
      for (const { ports, line } of portLiterals(source)) {
        const outside = claimed.reduce((left, c) => removeRanges(left, c), ports);
        const risky = removeRanges(outside, removeRanges('1-65535', EPHEMERAL));
        if (risky)
          unclaimed.push(
            `${file}:${line}: port ${risky} is in the ephemeral range and test/ports.ts gives this file no claim on it`,
          );
      }
    }
    expect(scanned).toBeGreaterThan(30);
    expect(unclaimed).toEqual([]);
  });

  it('gives no port of a unit file to another file', () => {
    const shared: string[] = [];
    PORT_CLAIMS.forEach((a, i) => {
      for (const b of PORT_CLAIMS.slice(i + 1)) {
        if (a.file === b.file || (a.runs !== 'unit' && b.runs !== 'unit')) continue;
        if (overlaps(a.ports, b.ports)) shared.push(`${a.file} (${a.ports}) and ${b.file} (${b.ports})`);
      }
    });
    expect(shared).toEqual([]);
  });

  it('names files that exist, with port lists the kernel takes', () => {
    for (const claim of PORT_CLAIMS) {
      expect(existsSync(join(ROOT, claim.file)), claim.file).toBe(true);
      expect(parseRanges(claim.ports).length, claim.file).toBeGreaterThan(0);
    }
  });
});
