import { describe, expect, it } from 'vitest';
import { redactIp } from '../../../src/checks/redact.ts';

describe('redactIp', () => {
  it.each([
    ['203.0.113.57', '203.0.113.x'],
    ['::ffff:198.51.100.7', '198.51.100.x'],
    ['2001:db8:85a3::8a2e:370:7334', '2001:db8:85a3:x'],
    ['not-an-ip', 'x'],
  ])('%s -> %s', (input, out) => expect(redactIp(input)).toBe(out));
});
