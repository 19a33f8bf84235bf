import { describe, expect, it } from 'vitest';
import { parseCheckArgs, UsageError } from '../../../src/cli/args.ts';

const RELAY = 'https://127.0.0.1:8443';

describe('check arguments: sharing', () => {
  it('does not share unless asked, and shares redacted by default', () => {
    expect(parseCheckArgs([], RELAY).share).toBeNull();
    expect(parseCheckArgs(['--share'], RELAY).share).toEqual({ includeFullAddresses: false });
    expect(parseCheckArgs(['--share', '--share-full-addresses'], RELAY).share).toEqual({
      includeFullAddresses: true,
    });
  });

  it('refuses full addresses without --share', () => {
    expect(() => parseCheckArgs(['--share-full-addresses'], RELAY)).toThrow(UsageError);
    expect(() => parseCheckArgs(['--share-full-addresses'], RELAY)).toThrow(
      '--share-full-addresses: only together with --share',
    );
  });
});

describe('check arguments: browser', () => {
  it('runs in Chromium by default and in Firefox ESR with --browser firefox', () => {
    expect(parseCheckArgs([], RELAY).browser).toBe('chromium');
    expect(parseCheckArgs(['--browser', 'firefox'], RELAY).browser).toBe('firefox');
  });

  it('names the browsers it knows when given another', () => {
    expect(() => parseCheckArgs(['--browser', 'safari'], RELAY)).toThrow(
      '--browser: must be one of chromium, firefox',
    );
  });
});

describe('check arguments: relays to compare', () => {
  it('takes --compare with or without a name, repeatable', () => {
    expect(
      parseCheckArgs(
        ['--compare', 'Frankfurt=https://fra.example:8443', '--compare', 'https://par.example'],
        RELAY,
      ).settings.relays,
    ).toEqual([
      { name: 'Frankfurt', url: 'https://fra.example:8443' },
      { name: '', url: 'https://par.example' },
    ]);
    expect(parseCheckArgs([], RELAY).settings.relays).toEqual([]);
  });

  it('names the flag when a relay is wrong or too many', () => {
    expect(() => parseCheckArgs(['--compare', 'Paris=http://par.example'], RELAY)).toThrow(
      '--compare: must start with https://',
    );
    const nine = Array.from({ length: 9 }, (_, i) => ['--compare', `https://r${i}.example`]).flat();
    expect(() => parseCheckArgs(nine, RELAY)).toThrow('--compare: may list at most 8 relays');
  });
});
