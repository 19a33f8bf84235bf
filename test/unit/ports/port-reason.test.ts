/**
 * Each port's reason in words: every code the port check writes for a port (tcp-probe, ice-probe, the second
 * look, the relay's answers, the port matrix, the untestable rows) reads as words in English and German,
 * never as the code; a probe that could not start says the step and the browser's words; a code this build
 * does not know is named as it is. A row's "not measured" detail says why in words.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKS_NOT_SENT } from '../../../src/checks/ports/ice-probe.ts';
import { portReasonMessage } from '../../../src/checks/ports/port-reason.ts';
import { PROXY_REFUSED_REASON } from '../../../src/checks/ports/proxy-path.ts';
import { RELAY_ANSWERED } from '../../../src/checks/ports/relay-answered.ts';
import { rollUpRows } from '../../../src/checks/ports/rollup.ts';
import type { PortResult } from '../../../src/checks/ports/types.ts';
import { english, renderMessage } from '../../../src/messages/render.ts';
import { UI } from '../../../src/platform/i18n.ts';
import { profileById } from '../../../src/profiles/index.ts';
import { useBrowserLanguage } from '../i18n/fake-browser-i18n.ts';

/** Every reason a port result can carry today (src/checks/ports/*, src/checks/net-error.ts, the profiles). */
const CODES = [
  'ok',
  RELAY_ANSWERED,
  'timed-out',
  'ice-failed',
  CHECKS_NOT_SENT,
  'connection-refused',
  'connection-reset',
  'failed-fast',
  PROXY_REFUSED_REASON,
  'blocked-by-browser',
  'browser-restricted-port',
  'relay-not-listening',
  'page-may-not-connect',
  'not-probed',
  'network-error',
  'dns-failure',
  'dns-no-answer',
  'tls-certificate-rejected',
  'tls-handshake-failed',
  'tls-stalled',
  'blocked-by-client',
  'network-unreachable',
  'sip-over-udp',
  'ntp',
  'source-port-rule',
];

describe('portReasonMessage', () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it('says every reason the port check writes in English words, not as its code', () => {
    for (const code of CODES) {
      const message = portReasonMessage(code);
      expect(message.key, code).not.toBe('port_reason_other');
      const words = english(message);
      expect(words, code).not.toContain(code === 'ok' || code === 'ntp' ? `(${code})` : code);
      expect(words.split(' ').length, code).toBeGreaterThan(2);
    }
  });

  it('says the same reasons in German, in other words than English', () => {
    restore = useBrowserLanguage('de');
    for (const code of CODES) {
      const message = portReasonMessage(code);
      const german = renderMessage(message, UI);
      expect(german, code).not.toBe(english(message));
      expect(german, code).not.toContain(code === 'ok' || code === 'ntp' ? `(${code})` : code);
    }
    expect(renderMessage(portReasonMessage('timed-out'), UI)).toBe(
      'Keine Antwort innerhalb der Frist: vermutlich verwirft eine Firewall den Verkehr',
    );
  });

  it('tells the reasons a user acts on apart', () => {
    expect(english(portReasonMessage('timed-out'))).toBe(
      'No answer within the time limit: a firewall probably drops the traffic',
    );
    expect(english(portReasonMessage(RELAY_ANSWERED))).toMatch(/^The relay received and answered the checks/);
    expect(english(portReasonMessage(CHECKS_NOT_SENT))).toMatch(/says nothing about the firewall$/);
    expect(english(portReasonMessage('failed-fast'))).toMatch(/^The connection failed at once/);
    expect(english(portReasonMessage(PROXY_REFUSED_REASON))).toMatch(/^The browser's proxy refused/);
  });

  it('names the step and keeps the browser words of a probe that could not start', () => {
    const message = portReasonMessage('probe-error (offer): the offer has 3 audio sections');
    expect(message).toEqual({
      key: 'port_reason_probe_error',
      args: ['offer', 'the offer has 3 audio sections'],
    });
    expect(english(message)).toBe(
      'The probe could not be set up (step offer): the offer has 3 audio sections',
    );
  });

  it('names a code it does not know as it is, and is not fooled by object keys', () => {
    expect(english(portReasonMessage('from-a-newer-version'))).toBe('Other reason: from-a-newer-version');
    expect(english(portReasonMessage('constructor'))).toBe('Other reason: constructor');
    expect(english(portReasonMessage('__proto__'))).toBe('Other reason: __proto__');
  });
});

describe("a row's detail for ports that were not measured", () => {
  it('says why in words', () => {
    const desk = profileById('desk-phone');
    if (!desk) throw new Error('desk-phone profile missing');
    const port = (p: number): PortResult => ({
      profile: 'desk-phone',
      row: 'desk-phone-sip-tls',
      protocol: 'SIP/TLS',
      transport: 'tcp',
      port: p,
      status: 'relay-unavailable',
      reason: 'relay-not-listening',
      ms: null,
    });
    const row = rollUpRows(desk, [port(5096), port(5097)]).find((r) => r.row === 'desk-phone-sip-tls');
    expect(row?.status).toBe('unknown');
    expect(row?.detail).toBe(
      '5096: The relay does not listen on this port, so it was not measured; 5097: The relay does not listen on this port, so it was not measured',
    );
  });

  it('still shows a stored report from before the words with its code', () => {
    expect(
      english({
        key: 'join_semicolons',
        args: [[{ key: 'ports_detail_unmeasured', args: [5096, 'relay-not-listening'] }]],
      }),
    ).toBe('5096: relay-not-listening');
  });
});
