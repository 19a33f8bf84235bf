import { describe, expect, it } from 'vitest';
import { notTestableMessage } from '../../../src/checks/words.ts';
import { english } from '../../../src/messages/render.ts';
import { type PortRange, PROFILES, type ProfileRow, probeTargets } from '../../../src/profiles/index.ts';
import { BROWSER_RESTRICTED_PORTS } from '../../../src/profiles/unsafe-ports.ts';
import { readSeed } from '../../helpers/seeds.ts';

// The test reads the provider's paper itself (test/helpers/seeds.ts) so the data cannot drift from it.
const portSeed = readSeed('000_665623064d917ea8.txt');

interface SeedRow {
  purpose: string;
  protocol: string;
  source: PortRange[] | null;
  destination: PortRange[];
}

/** "5060 to 5090", "80, 443", "4000 to 5000 20000 to 60000", "N/A" -> ranges (null for N/A). */
function parsePorts(cell: string): PortRange[] | null {
  if (cell.trim() === 'N/A') return null;
  const tokens = cell.split(/[\s,]+/).filter((t) => t !== '');
  const ranges: PortRange[] = [];
  for (let i = 0; i < tokens.length; ) {
    const from = Number(tokens[i]);
    if (!Number.isInteger(from)) throw new Error(`bad port cell: ${cell}`);
    if (tokens[i + 1] === 'to') {
      const to = Number(tokens[i + 2]);
      if (!Number.isInteger(to)) throw new Error(`bad port cell: ${cell}`);
      ranges.push({ from, to });
      i += 3;
    } else {
      ranges.push({ from, to: from });
      i += 1;
    }
  }
  return ranges;
}

/** Tables: a "Customer Side / RingCentral Side" header line, then tab-separated rows up to a blank line. */
function seedTables(text: string): SeedRow[][] {
  const lines = text.split(/\r?\n/);
  const tables: SeedRow[][] = [];
  lines.forEach((line, i) => {
    if (!/^\t\tCustomer Side\tRingCentral Side\s*$/.test(line)) return;
    const rows: SeedRow[] = [];
    for (let j = i + 1; j < lines.length && lines[j]?.trim() !== ''; j++) {
      const cells = (lines[j] ?? '').split('\t');
      if (cells.length !== 4) throw new Error(`seed row ${j + 1} has ${cells.length} cells`);
      const [purpose, protocol, source, destination] = cells as [string, string, string, string];
      const dest = parsePorts(destination);
      if (dest === null) throw new Error(`seed row ${j + 1} has no destination port`);
      rows.push({ purpose, protocol, source: parsePorts(source), destination: dest });
    }
    tables.push(rows);
  });
  return tables;
}

const tables = seedTables(portSeed);
const seedRows = tables.flat();
const dataRows: ProfileRow[] = PROFILES.flatMap((p) => p.rows);
const profileOf = (rowId: string) => PROFILES.find((p) => p.rows.some((r) => r.id === rowId))?.id;

describe('provider port tables against the seed', () => {
  it('finds both tables in the seed, with 17 and 12 rows', () => {
    expect(tables.map((t) => t.length)).toEqual([17, 12]);
  });

  it('has as many rows as the seed, per table', () => {
    const [desk, mobile, desktop, meetings] = PROFILES.map((p) => p.rows.length);
    expect((desk ?? 0) + (mobile ?? 0)).toBe(tables[0]?.length);
    expect((desktop ?? 0) + (meetings ?? 0)).toBe(tables[1]?.length);
  });

  it.each(seedRows.map((seed, i) => ({ i, seed, row: dataRows[i] })))(
    'row $i matches the seed: $seed.purpose ($seed.protocol)',
    ({ seed, row }) => {
      expect(row).toBeDefined();
      expect({
        purpose: row?.purpose,
        protocol: row?.protocol,
        source: row?.customerSourcePorts,
        destination: row?.providerPorts,
      }).toEqual({
        purpose: seed.purpose,
        protocol: seed.protocol,
        source: seed.source,
        destination: seed.destination,
      });
    },
  );

  it('puts each row in the profile its seed wording names', () => {
    const expected = (purpose: string) =>
      purpose.startsWith('Desk phone')
        ? 'desk-phone'
        : purpose.startsWith('Mobile app')
          ? 'mobile-app'
          : purpose.startsWith('RingCentral for Desktop')
            ? 'desktop-app'
            : purpose.startsWith('RingCentral Meetings')
              ? 'meetings'
              : 'unknown';
    for (const row of dataRows) expect(profileOf(row.id), row.id).toBe(expected(row.purpose));
  });
});

describe('profile rows', () => {
  it('have unique kebab-case ids prefixed by their profile', () => {
    const ids = dataRows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(id.startsWith(`${profileOf(id)}-`), id).toBe(true);
    }
  });

  it('have valid port ranges', () => {
    for (const row of dataRows) {
      for (const r of [...row.providerPorts, ...(row.customerSourcePorts ?? [])]) {
        expect(r.from, row.id).toBeGreaterThanOrEqual(1);
        expect(r.to, row.id).toBeLessThanOrEqual(65535);
        expect(r.from, row.id).toBeLessThanOrEqual(r.to);
      }
    }
  });

  it('take the transport from the protocol (SIP/TLS/SRTP signaling is TCP)', () => {
    for (const row of dataRows) expect(row.transport, row.id).toBe(/UDP/.test(row.protocol) ? 'udp' : 'tcp');
  });

  it('each have a probe method following the documented rule', () => {
    const rule = (row: ProfileRow) => {
      if (row.protocol === 'SIP/UDP') return 'not-testable:sip-over-udp';
      if (row.protocol.startsWith('NTP')) return 'not-testable:ntp';
      if (row.protocol.startsWith('HTTPS')) return 'https';
      return row.transport === 'udp' ? 'udp-ice' : 'tls-tcp';
    };
    for (const row of dataRows) {
      const got = row.probe.kind === 'not-testable' ? `not-testable:${row.probe.reason}` : row.probe.kind;
      expect(got, row.id).toBe(rule(row));
    }
  });

  it('explain every untestable row in words', () => {
    const untestable = dataRows.flatMap((r) => (r.probe.kind === 'not-testable' ? [r.probe] : []));
    // six plain SIP/UDP rows and NTP
    expect(untestable.length).toBe(7);
    for (const probe of untestable) {
      expect(probe.reason).toBeTruthy();
      expect(english(notTestableMessage(probe.reason)).length).toBeGreaterThan(20);
    }
  });

  it('note that source ports are untested exactly where the seed names them', () => {
    for (const row of dataRows) {
      expect(row.sourcePortNote === null, row.id).toBe(row.customerSourcePorts === null);
    }
  });

  it('mark the Secure Voice rows (TLS signaling, SRTP/TLS media)', () => {
    expect(dataRows.filter((r) => r.secureVoice).map((r) => r.id)).toEqual([
      'desk-phone-sip-tls',
      'desk-phone-srtp',
      'mobile-app-sip-tls',
      'mobile-app-srtp',
      'desktop-app-sip-tls',
      'desktop-app-srtp',
      'meetings-sip-tls',
      'meetings-tls-media',
    ]);
    for (const row of dataRows) expect(row.secureVoice, row.id).toBe(/Secure/.test(row.purpose));
  });

  it('never send a TLS or HTTPS probe to a port the browser refuses; NTP 123 is one, hence untestable', () => {
    for (const profile of PROFILES) {
      expect(probeTargets(profile).filter((t) => t.browserRestricted)).toEqual([]);
    }
    const ntp = dataRows.find((r) => r.id === 'desk-phone-ntp');
    expect(ntp?.probe.kind).toBe('not-testable');
    expect(BROWSER_RESTRICTED_PORTS.has(123)).toBe(true);
  });
});
