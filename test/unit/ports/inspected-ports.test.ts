import { describe, expect, it } from 'vitest';
import { inspectedPorts, inspectedPortsMessage } from '../../../src/checks/ports/inspected-ports.ts';
import type { InspectionEvidence } from '../../../src/checks/tls-inspection.ts';
import { LANGUAGES } from '../../../src/messages/languages.ts';
import { renderMessage } from '../../../src/messages/render.ts';

const received = {
  grease: false,
  extensions: [65281, 0, 11, 10],
  groups: [29, 23],
  alpn: ['http/1.1'],
  sni: 'relay.example',
  cipherSuites: 52,
};
const noGrease: InspectionEvidence = { missing: 'grease', received };
const noRsl: InspectionEvidence = { missing: 'record-size-limit', received };

describe('TLS inspection per TCP probe port', () => {
  it('lists only the ports whose hello lacked the mark, each once, in port order', () => {
    const ports = inspectedPorts([
      { port: 5097, inspection: noGrease },
      { port: 443 },
      { port: 5096, inspection: noGrease },
      { port: 5096, inspection: noGrease },
    ]);
    expect(ports).toEqual([
      { port: 5096, missing: 'grease' },
      { port: 5097, missing: 'grease' },
    ]);
    expect(inspectedPortsMessage(inspectedPorts([{ port: 443 }]))).toBeNull();
  });

  it('says "TLS inspection on TCP 5096" with the evidence, in English and German', () => {
    const m = inspectedPortsMessage([{ port: 5096, missing: 'grease' }]);
    if (!m) throw new Error('no message');
    const en = renderMessage(m, LANGUAGES.en);
    expect(en).toMatch(/^TLS inspection on TCP 5096: /);
    expect(en).toContain('no GREASE values, which Chromium always sends');
    expect(en).toContain('SIP over TLS fails there');
    const de = renderMessage(m, LANGUAGES.de);
    expect(de).toMatch(/^TLS-Inspektion auf TCP 5096: /);
    expect(de).toContain('keine GREASE-Werte, die Chromium immer sendet');
  });

  it("names every inspected port, with Firefox's evidence", () => {
    const m = inspectedPortsMessage(
      inspectedPorts([
        { port: 5096, inspection: noRsl },
        { port: 5097, inspection: noRsl },
      ]),
    );
    if (!m) throw new Error('no message');
    const en = renderMessage(m, LANGUAGES.en);
    expect(en).toMatch(/^TLS inspection on TCP 5096, TCP 5097: /);
    expect(en).toContain('no record_size_limit extension, which Firefox always sends');
  });
});
