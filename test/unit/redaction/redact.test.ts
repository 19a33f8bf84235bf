import { describe, expect, it } from 'vitest';
import { addressKind, canonicalIp, parseIpv6, redactIp } from '../../../src/redaction/ip.ts';
import { redactAddressesIn } from '../../../src/redaction/redact-text.ts';
import { scanAddresses } from '../../../src/redaction/scan.ts';
import { fullAddressesIn } from '../../../src/relay/share/address-scan.ts';

describe('redactIp', () => {
  it.each([
    ['203.0.113.57', '203.0.113.x'],
    ['::ffff:198.51.100.7', '198.51.100.x'],
    ['::FFFF:10.0.0.7', 'private-address'],
    ['2001:db8:85a3::8a2e:370:7334', '2001:db8:85a3:x'],
    ['2001:db8::1', '2001:db8:0:x'],
    ['10.1.2.3', 'private-address'],
    ['172.16.0.9', 'private-address'],
    ['172.32.0.9', '172.32.0.x'],
    ['192.168.1.20', 'private-address'],
    ['127.0.0.1', 'loopback-address'],
    ['169.254.10.1', 'link-local-address'],
    ['100.64.1.2', 'shared-address'],
    ['::1', 'loopback-address'],
    ['fe80::1c2d:3e4f:5a6b:7c8d', 'link-local-address'],
    ['fd12:3456:789a::1', 'private-address'],
    // Names no host: kept as it is.
    ['0.0.0.0', '0.0.0.0'],
    ['::', '::'],
    ['224.0.0.251', '224.0.0.251'],
    ['255.255.255.255', '255.255.255.255'],
    ['ff02::1', 'ff02::1'],
    ['156.0.0.0', '156.0.0.0'],
    ['not-an-ip', 'x'],
  ])('%s -> %s', (input, out) => expect(redactIp(input)).toBe(out));
});

describe('address parsing', () => {
  it('reads IPv6 in its spellings, and refuses what only looks like one', () => {
    expect(parseIpv6('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIpv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(parseIpv6('64:ff9b::192.0.2.1')).toEqual([0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x201]);
    for (const bad of [
      '1:2:3',
      '1::2::3',
      '12345::1',
      '1:2:3:4:5:6:7:8:9',
      '23:39:18.971',
      'aa:bb:cc:dd:ee:ff',
    ]) {
      expect(parseIpv6(bad), bad).toBeNull();
    }
    expect(canonicalIp('2001:DB8::1')).toBe(canonicalIp('2001:db8:0:0:0:0:0:1'));
    expect(canonicalIp('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(addressKind('01.2.3.4')).toBeNull();
    expect(addressKind('1.2.3.256')).toBeNull();
  });
});

describe('redactAddressesIn', () => {
  it.each([
    ['client 203.0.113.57 seen', 'client 203.0.113.x seen'],
    ['10.0.0.5:5060 and 203.0.113.9:443', 'private-address:5060 and 203.0.113.x:443'],
    ['https://198.51.100.20/provision', 'https://198.51.100.x/provision'],
    ['wss://[2001:db8:1:2::99]:8443/ws', 'wss://[2001:db8:1:x]:8443/ws'],
    ['address:2001:db8::1.', 'address:2001:db8:0:x.'],
    [
      'candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host',
      'candidate:1 1 udp 2122260223 private-address 54321 typ host',
    ],
    [
      'candidate:2 1 udp 1686052607 203.0.113.4 61000 typ srflx raddr 10.0.0.2 rport 54321',
      'candidate:2 1 udp 1686052607 203.0.113.x 61000 typ srflx raddr private-address rport 54321',
    ],
    ['fe80::1%eth0 is link-local', 'link-local-address is link-local'],
    ['mapped ::ffff:203.0.113.7 here', 'mapped 203.0.113.x here'],
    ['from ::ffff:127.0.0.1', 'from loopback-address'],
    ['chrome Chrome/156.0.0.0', 'chrome Chrome/156.0.0.0'],
    ['version 140.0.7339.80 is not an address', 'version 140.0.7339.80 is not an address'],
    ['windows 10.0.19045.2965', 'windows 10.0.19045.2965'],
    ['at 2026-11-21T23:39:19.680Z', 'at 2026-11-21T23:39:19.680Z'],
    ['fingerprint AB:CD:EF:01:23:45:67:89:AB:CD', 'fingerprint AB:CD:EF:01:23:45:67:89:AB:CD'],
    ['already 203.0.113.x and 2001:db8:85a3:x', 'already 203.0.113.x and 2001:db8:85a3:x'],
  ])('%s', (input, out) => expect(redactAddressesIn(input)).toBe(out));

  it('keeps the addresses it is told to keep only where they are a URL host', () => {
    const keep = new Set(['203.0.113.5', canonicalIp('2001:db8::5') ?? '']);
    expect(redactAddressesIn('https://203.0.113.5:8443/probe', keep)).toBe('https://203.0.113.5:8443/probe');
    expect(redactAddressesIn('wss://[2001:db8::5]:8443/ws', keep)).toBe('wss://[2001:db8::5]:8443/ws');
    expect(redactAddressesIn('203.0.113.5:8443 answered', keep)).toBe('203.0.113.x:8443 answered');
    expect(redactAddressesIn('https://203.0.113.6/', keep)).toBe('https://203.0.113.x/');
  });
});

/**
 * Every spelling the security review (issue 10, item 8) got stored past `redaction: "default"`: the
 * extension redacts each one, and the relay's re-check finds each one, with the same scanner.
 */
describe('spellings an address hides in', () => {
  it.each([
    ['label glued with a dot', 'host.203.0.113.45', 'host.203.0.113.x'],
    ['port glued with a dot', '203.0.113.45.5060', '203.0.113.x.5060'],
    ['IPv6 after a transport label', 'udp:2001:db8:85a3::7334', 'udp:2001:db8:85a3:x'],
    ['IPv6 with a port, no brackets', '2001:db8:85a3:0:0:8a2e:370:7334:5060', '2001:db8:85a3:x:5060'],
    ['IPv6 with a port, compressed', 'from 2001:db8:85a3::7334:5060', 'from 2001:db8:85a3:x'],
    ['6to4', '2002:cb00:712d::', '203.0.113.x'],
    ['6to4 of a private address', '2002:c0a8:0101::1', 'private-address'],
    [
      'full-width digits and dots',
      '\uff12\uff10\uff13\uff0e\uff10\uff0e\uff11\uff11\uff13\uff0e\uff14\uff15',
      '203.0.113.x',
    ],
    ['Arabic-Indic digits', '\u0662\u0660\u0663.\u0660.\u0661\u0661\u0663.\u0664\u0665', '203.0.113.x'],
    [
      'extended Arabic-Indic digits',
      'at \u06f1\u06f9\u06f2.\u06f1\u06f6\u06f8.\u06f1.\u06f2',
      'at private-address',
    ],
    ['percent-encoded dots', '203%2E0%2E113%2E45', '203.0.113.x'],
    ['percent-encoded colons', '2001%3Adb8%3A85a3%3A%3A7334', '2001:db8:85a3:x'],
    ['hex parts', '0xcb.0x0.0x71.0x2d', '203.0.113.x'],
    ['octal parts', '0313.0.0161.055', '203.0.113.x'],
    ['decimal URL host', 'http://3405803821/', 'http://203.0.113.x/'],
    ['hex URL host with a port', 'http://0xcb00712d:5060/', 'http://203.0.113.x:5060/'],
    ['two-part URL host', 'https://203.28973/x', 'https://203.0.113.x/x'],
    ['IPv4 right after letters', 'via abc203.0.113.45', 'via abc203.0.113.x'],
  ])('%s: %j', (_name, input, redacted) => {
    expect(redactAddressesIn(input)).toBe(redacted);
    expect(fullAddressesIn(input).length).toBeGreaterThan(0);
    // What the extension leaves, the relay accepts.
    expect(fullAddressesIn(redacted)).toEqual([]);
  });

  it.each([
    'error 0x804b000d from the network stack',
    'uuid 550e8400-e29b-41d4-a716-446655440000 run 1732000000',
    'fingerprint sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01',
    'time 23:39:19.680 and 12:30',
    'Firefox/128.0 rv:128.0 and Chrome/140.0.7339.80',
  ])('leaves %j alone', (text) => {
    expect(redactAddressesIn(text)).toBe(text);
    expect(fullAddressesIn(text)).toEqual([]);
  });
});

/**
 * The scanner's work grows with the text's length, never faster: counted in steps, not timed. The inputs
 * are the ones that made the old regular expressions backtrack (one long run of address characters).
 */
describe('scanner work', () => {
  const hostile = (n: number): Record<string, string> => ({
    hex: 'a'.repeat(n),
    digits: '1'.repeat(n),
    'hex and colons': 'ab:'.repeat(n / 3),
    colons: ':'.repeat(n),
    dots: '1.'.repeat(n / 2),
    'colons and dots': '1:.'.repeat(n / 3),
    'almost IPv6': '1:2:3:4:5:6:7:'.repeat(n / 14),
    'almost IPv4': '1.2.3.'.repeat(n / 6),
    percent: '%2E%3A'.repeat(n / 6),
    'full-width': '\uff11\uff0e'.repeat(n / 2),
    'hex prefixes': '0x'.repeat(n / 2),
  });
  it('takes at most a fixed number of steps per character, for every hostile shape', () => {
    const small = hostile(50_000);
    const large = hostile(200_000);
    for (const [name, text] of Object.entries(large)) {
      const { steps } = scanAddresses(text);
      expect(steps, name).toBeLessThanOrEqual(12 * text.length);
      // Four times the text, about four times the work (a square law would be sixteen).
      const smallSteps = scanAddresses(small[name] as string).steps;
      expect(steps / smallSteps, name).toBeLessThan(4.5);
    }
  });
});
