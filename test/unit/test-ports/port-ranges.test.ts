/**
 * The arithmetic of the run's port reservation (test/port-ranges.ts, used by test/reserve-ports.ts): what the
 * kernel's list becomes when a run adds the tests' ports, and what a run's end leaves of it.
 */
import { describe, expect, it } from 'vitest';
import { addRanges, missingRanges, overlaps, parseRanges, removeRanges } from '../../port-ranges.ts';
import { portsToReserve } from '../../ports.ts';

describe('port lists as ip_local_reserved_ports writes them', () => {
  it('reads single ports and ranges, sorted, with overlapping and adjacent ones joined', () => {
    expect(parseRanges('47110-47119,8000, 47100-47109,47115-47130\n')).toEqual([
      [8000, 8000],
      [47100, 47130],
    ]);
    expect(parseRanges('')).toEqual([]);
    expect(() => parseRanges('47109-47100')).toThrow('not a port range: "47109-47100"');
    expect(() => parseRanges('80,x')).toThrow('not a port or port range: "x"');
  });

  it('adds a run’s ports to what is reserved, keeping what was there', () => {
    expect(addRanges('', '47100-47109,56000-56199')).toBe('47100-47109,56000-56199');
    expect(addRanges('8000,47105-47120', '47100-47109')).toBe('8000,47100-47120');
  });

  it('takes away single ports and the middle, start or end of a range', () => {
    expect(removeRanges('47100-47120', '47105')).toBe('47100-47104,47106-47120');
    expect(removeRanges('47100-47120', '47090-47102,47118-47200')).toBe('47103-47117');
    expect(removeRanges('8000,47100-47109', '47100-47109')).toBe('8000');
    expect(removeRanges('8000', '')).toBe('8000');
  });

  it('restores the list a run found, when it takes away only what it added', () => {
    const found = '8000,47100-47104,60000-60010';
    const wanted = '47100-47109,56000-56199,60005';
    const added = missingRanges(found, wanted);
    expect(added).toBe('47105-47109,56000-56199');
    const during = addRanges(found, added);
    expect(during).toBe('8000,47100-47109,56000-56199,60000-60010');
    expect(removeRanges(during, added)).toBe(found);
  });

  it('keeps the ports someone else reserved during the run', () => {
    const added = missingRanges('', '47100-47109');
    // An administrator reserves 9000 and 47200-47299 while the tests run.
    expect(removeRanges(addRanges(addRanges('', added), '9000,47200-47299'), added)).toBe('9000,47200-47299');
  });

  it('tells whether two lists share a port', () => {
    expect(overlaps('47100-47109', '47109-47120')).toBe(true);
    expect(overlaps('47100-47109', '47110-47120,8000')).toBe(false);
  });

  it('reserves the unit tests’ default media range and the probe ports of scripts/probe-ports.ts', () => {
    const reserved = portsToReserve();
    expect(removeRanges('47100-47109,56000-56199,30000,34999', reserved)).toBe('');
    // The lab's media ranges live in the lab's own namespace: the host's reservation leaves them free.
    expect(overlaps(reserved, '41000-41019')).toBe(false);
  });
});
