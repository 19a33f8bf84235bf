import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSeed, readSharedSeed } from '../../helpers/seeds.ts';

const names = readdirSync(new URL('../../fixtures/seeds/', import.meta.url));

describe('seed documents', () => {
  it('has the port tables and the security overview', () => {
    expect(names.sort()).toEqual(['000_665623064d917ea8.txt', '001_ec1c6eac36322f23.txt']);
    expect(readSeed('000_665623064d917ea8.txt')).toContain('Desk phones signaling Secure Voice');
    expect(readSeed('001_ec1c6eac36322f23.txt')).toContain(
      'Checklist for protecting your RingCentral service',
    );
  });

  it.each(names)('the copy of %s matches the shared original where that is present', (name) => {
    const shared = readSharedSeed(name);
    expect(shared === null || shared === readSeed(name)).toBe(true);
  });
});
