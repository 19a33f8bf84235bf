import { describe, expect, it } from 'vitest';
import { dtlsTimedOut } from '../../../src/checks/media/dtls-stall.ts';
import { msg } from '../../../src/messages/catalog.ts';
import { LANGUAGES } from '../../../src/messages/languages.ts';
import { english, renderMessage } from '../../../src/messages/render.ts';

const why = msg('why_within', msg('why_dtls_state', 'connecting'), 8);
const seen = (over: Partial<Parameters<typeof dtlsTimedOut>[2] & object> = {}) => ({
  clientHellos: 5,
  cookieReturned: false,
  serverFlights: 0,
  clientKeyExchange: false,
  ...over,
});

describe('dtlsTimedOut: the words when DTLS did not finish, by what the relay saw', () => {
  it('the relay’s answers reached this computer: loss on the way back or large packets dropped, not a DTLS block', () => {
    const f = dtlsTimedOut('relay.example:443', why, seen({ cookieReturned: true, serverFlights: 4 }));
    expect(f).toMatchObject({ reason: 'dtls-failed', step: 'dtls' });
    const text = english(f.message);
    expect(text).toBe(
      "The media path to relay.example:443 opened and the relay's first DTLS answer reached this computer, but the DTLS handshake that sets up SRTP encryption did not finish (DTLS connecting within 8 s). DTLS is not simply blocked, since its first answer got through: packets from the relay are being lost on the way back, large UDP packets are dropped (a small MTU or broken fragmentation), or a device drops the rest of the handshake. Ask your IT administrator to check the link for packet loss, to allow UDP fragments and fix MTU problems on the path, and to look for a device that alters or truncates UDP.",
    );
    expect(text).not.toMatch(/firewall/i);
    expect(renderMessage(f.message, LANGUAGES.de)).toMatch(
      /^Der Medienpfad zu relay\.example:443 wurde geöffnet und die erste DTLS-Antwort des Relays hat diesen Computer erreicht, .* DTLS wird nicht einfach blockiert, denn seine erste Antwort kam an: Pakete vom Relay gehen auf dem Rückweg verloren, große UDP-Pakete werden verworfen \(eine kleine MTU oder fehlerhafte Fragmentierung\), oder ein Gerät verwirft den Rest des Handshakes\./,
    );
  });

  it('also when the client’s key exchange arrived (the relay’s last flight is what got lost)', () => {
    const f = dtlsTimedOut(
      'r:1',
      why,
      seen({ cookieReturned: true, serverFlights: 1, clientKeyExchange: true }),
    );
    expect(f.message.key).toBe('sum_media_dtls_stalled');
  });

  it.each([
    ['heard nothing of DTLS', seen({ clientHellos: 0 })],
    ['heard the hellos, but its answer never came back', seen()],
    ['did not say (a relay from before the question)', null],
  ])('keeps the firewall advice when the relay %s', (_, relaySaw) => {
    const f = dtlsTimedOut('relay.example:443', why, relaySaw);
    expect(f).toMatchObject({ reason: 'dtls-failed', step: 'dtls' });
    expect(english(f.message)).toBe(
      'The media path to relay.example:443 opened, but the DTLS handshake that sets up SRTP encryption did not finish (DTLS connecting within 8 s). A firewall or inspection device may be blocking DTLS: allow UDP to the media ports without inspection.',
    );
  });
});
