import { describe, expect, it } from 'vitest';
import { handleClientText } from '../../../src/relay/core/handle-message.ts';

describe('handleClientText', () => {
  it('answers a ping with a pong carrying the client time', () => {
    expect(handleClientText('{"type":"ping","seq":1,"t":5}', 99)).toEqual([
      { kind: 'send', message: { type: 'pong', seq: 1, t: 5, serverTime: 99 } },
    ]);
  });

  it.each([
    ['{', 'bad-json'],
    ['{"type":"ping"}', 'bad-message'],
    ['{"type":"ping","seq":-1,"t":1}', 'bad-message'],
    ['[]', 'bad-message'],
  ])('refuses %s with %s and closes', (text, code) => {
    const actions = handleClientText(text, 0);
    expect(actions[0]).toMatchObject({ kind: 'send', message: { type: 'error', code } });
    expect(actions[1]).toMatchObject({ kind: 'close', code: 1008 });
  });
});
