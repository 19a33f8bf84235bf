/** Which problem the user is told about, from what the browser threw when opening the microphone. */
import { describe, expect, it } from 'vitest';
import { levelMessage, problemMessage } from '../../../src/device/device-text.ts';
import { errorDetail, MicError, micProblem } from '../../../src/device/mic-error.ts';
import { LANGUAGES } from '../../../src/messages/languages.ts';
import { english, renderMessage } from '../../../src/messages/render.ts';

const domError = (name: string) => Object.assign(new Error('x'), { name });

describe('micProblem', () => {
  it.each([
    ['NotAllowedError', 'denied'],
    ['SecurityError', 'denied'],
    ['NotFoundError', 'no-device'],
    ['OverconstrainedError', 'no-device'],
    ['NotReadableError', 'busy'],
    ['AbortError', 'busy'],
    ['TypeError', 'other'],
  ])('%s is %s', (name, problem) => {
    expect(micProblem(domError(name))).toBe(problem);
  });

  it('keeps the problem the check itself named, and treats anything else as other', () => {
    expect(micProblem(new MicError('timeout', 'late'))).toBe('timeout');
    expect(micProblem('a string')).toBe('other');
    expect(micProblem(null)).toBe('other');
  });

  it('bounds the detail shown on the page', () => {
    expect(errorDetail(new Error('y'.repeat(500))).length).toBe(200);
  });
});

describe('what the user reads', () => {
  it('names the cause and the next step in English and German', () => {
    expect(english(problemMessage('denied', '', 60))).toMatch(
      /did not allow the microphone.*allow the microphone/,
    );
    expect(english(problemMessage('no-device', '', 60))).toMatch(/^No microphone was found\. Plug in/);
    expect(english(problemMessage('timeout', '', 60))).toContain('within 60 s');
    expect(renderMessage(problemMessage('denied', '', 60), LANGUAGES.de)).toMatch(
      /^Der Browser hat das Mikrofon nicht freigegeben/,
    );
    const silent = levelMessage({
      verdict: 'silent',
      speakingDb: -100,
      loudestDb: -100,
      clippedShare: 0,
      blocks: 80,
    });
    expect(english(silent)).toMatch(
      /^No sound came from your microphone: it is muted.*not a network problem/,
    );
    expect(renderMessage(silent, LANGUAGES.de)).toMatch(
      /^Von Ihrem Mikrofon kam kein Ton.*kein Netzwerkproblem/,
    );
  });

  it('gives the speaking level in the language’s digits', () => {
    const ok = levelMessage({
      verdict: 'ok',
      speakingDb: -21.4,
      loudestDb: -18,
      clippedShare: 0,
      blocks: 80,
    });
    expect(english(ok)).toContain('(-21 dBFS while you spoke)');
    expect(renderMessage(ok, LANGUAGES.de)).toContain('(-21 dBFS beim Sprechen)');
  });
});
