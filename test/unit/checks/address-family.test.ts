import { describe, expect, it } from 'vitest';
import { addressFamily } from '../../../src/checks/address-family.ts';

describe('addressFamily', () => {
  it.each([
    ['203.0.113.7', 'IPv4'],
    ['::ffff:203.0.113.7', 'IPv4'],
    ['::FFFF:192.168.77.10', 'IPv4'],
    ['fd00:77::10', 'IPv6'],
    ['[fd00:77::10]', 'IPv6'],
    ['2001:db8:0:0:0:0:0:1', 'IPv6'],
    ['fe80::1%eth0', 'IPv6'],
    ['::1', 'IPv6'],
    ['64:ff9b::203.0.113.7', 'IPv6'],
  ])('%s is %s', (address, family) => {
    expect(addressFamily(address)).toBe(family);
  });

  it.each([
    '',
    'relay.voice.test',
    '0b1f7c2e-1234-4d6f-9a3c-1f2e3d4c5b6a.local',
    '256.1.1.1',
    '1::2::3',
    null,
    undefined,
  ])('%s is no address', (address) => {
    expect(addressFamily(address)).toBeNull();
  });
});
