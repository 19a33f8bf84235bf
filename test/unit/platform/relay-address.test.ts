import { describe, expect, it } from 'vitest';
import {
  lastRelayAddress,
  RELAY_ADDRESS_KEY,
  rememberRelayAddress,
} from '../../../src/platform/relay-address.ts';
import { memoryArea } from './memory-area.ts';

describe('the address the browser last reached the relay at', () => {
  it('is remembered per relay host (name:port, any case) and read back', async () => {
    const area = memoryArea();
    await rememberRelayAddress(area, 'Relay.Example', '203.0.113.10');
    await rememberRelayAddress(area, 'relay.example:8443', '2001:db8::1');
    expect(await lastRelayAddress(area, 'relay.example')).toBe('203.0.113.10');
    expect(await lastRelayAddress(area, 'relay.example:8443')).toBe('2001:db8::1');
    expect(await lastRelayAddress(area, 'other.example')).toBeNull();
  });

  it('keeps only addresses, and at most 8 relays, the newest', async () => {
    const area = memoryArea();
    await rememberRelayAddress(area, 'relay.example', 'not-an-address');
    expect(await lastRelayAddress(area, 'relay.example')).toBeNull();
    for (let i = 0; i < 12; i++) await rememberRelayAddress(area, `r${i}.example`, `203.0.113.${i}`);
    expect(Object.keys(area.data[RELAY_ADDRESS_KEY] as object)).toHaveLength(8);
    expect(await lastRelayAddress(area, 'r11.example')).toBe('203.0.113.11');
    expect(await lastRelayAddress(area, 'r3.example')).toBeNull();
  });

  it('ignores a stored value that is not what it wrote (no address is better than a wrong one)', async () => {
    const area = memoryArea({ [RELAY_ADDRESS_KEY]: { 'relay.example': 'http://evil/' } });
    expect(await lastRelayAddress(area, 'relay.example')).toBeNull();
  });
});
