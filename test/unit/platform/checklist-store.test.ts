import { describe, expect, it } from 'vitest';
import {
  CHECKLIST_KEY,
  loadConfirmations,
  parseConfirmations,
  setConfirmation,
} from '../../../src/platform/checklist-store.ts';
import { memoryArea } from './memory-area.ts';

describe('checklist store', () => {
  it('stores the date an item was ticked and removes it when unticked', async () => {
    const area = memoryArea();
    await setConfirmation(area, 'strong-passwords', '2026-11-21T12:00:00.000Z');
    await setConfirmation(area, 'limit-admins', '2026-11-20T08:00:00.000Z');
    expect(await loadConfirmations(area)).toEqual({
      'strong-passwords': '2026-11-21T12:00:00.000Z',
      'limit-admins': '2026-11-20T08:00:00.000Z',
    });
    expect(await setConfirmation(area, 'strong-passwords', null)).toEqual({
      'limit-admins': '2026-11-20T08:00:00.000Z',
    });
  });

  it('drops entries that are not dates', async () => {
    const area = memoryArea({ [CHECKLIST_KEY]: { a: '2026-01-01', b: 'soon', c: 5 } });
    expect(await loadConfirmations(area)).toEqual({ a: '2026-01-01' });
    expect(parseConfirmations(['2026-01-01'])).toEqual({});
    expect(parseConfirmations(null)).toEqual({});
  });
});
