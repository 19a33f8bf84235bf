import { describe, expect, it } from 'vitest';
import {
  addressKind,
  canonicalIp,
  parseIpv6,
  redactAddressesIn,
  redactIp,
} from '../../../src/checks/redact.ts';

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
    ['version 1.2.3.4.5 is not an address', 'version 1.2.3.4.5 is not an address'],
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
