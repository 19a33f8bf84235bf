import { describe, expect, it } from 'vitest';
import { checkRelayHttps } from '../../../src/checks/relay-https.ts';
import { inspectionEvidence, tlsStackOf } from '../../../src/checks/tls-inspection.ts';
import type { ClientHello } from '../../../src/protocol/relay-messages.ts';
import { fakeContext } from '../../fakes/check-context.ts';
import { CHROMIUM, FIREFOX, PROXY } from '../../fakes/client-hellos.ts';

describe('TLS inspection: the hello the relay received against the mark this browser always sends', () => {
  it("finds none when the relay received the browser's own hello", () => {
    expect(inspectionEvidence('chromium', CHROMIUM)).toBeNull();
    expect(inspectionEvidence('firefox', FIREFOX)).toBeNull();
  });

  it('finds it when the hello lacks the mark: no GREASE from Chromium, no record_size_limit from Firefox', () => {
    expect(inspectionEvidence('chromium', PROXY)).toEqual({ missing: 'grease', received: PROXY });
    expect(inspectionEvidence('firefox', PROXY)).toEqual({ missing: 'record-size-limit', received: PROXY });
    // Firefox's own hello has no GREASE: not evidence against Chromium's rule applied to Firefox.
    expect(inspectionEvidence('chromium', FIREFOX)).not.toBeNull();
  });

  it('claims nothing without a known browser or a hello (an older relay)', () => {
    expect(inspectionEvidence(null, PROXY)).toBeNull();
    expect(inspectionEvidence('chromium', null)).toBeNull();
    expect(inspectionEvidence('firefox', undefined)).toBeNull();
  });

  it('reads the browser from the name the report records', () => {
    expect(tlsStackOf('chrome Chrome/156.0.8078.114')).toBe('chromium');
    expect(tlsStackOf('firefox Firefox/153.0')).toBe('firefox');
    expect(tlsStackOf('web Safari/18')).toBeNull();
  });
});

describe('checkRelayHttps with the hello the relay received', () => {
  const answer = (clientHello: ClientHello | null) => async () =>
    new Response(
      JSON.stringify({
        relayVersion: '1.0.0',
        tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
        clientHello,
        clientAddress: '203.0.113.9',
        serverTime: 1,
      }),
    );

  it('warns "TLS inspection on the path" with the evidence and what it means for SIP over TLS', async () => {
    const ctx = { ...fakeContext({ fetch: answer(PROXY) }), tlsStack: 'chromium' as const };
    const r = await checkRelayHttps('https://relay.example', ctx);
    expect(r).toMatchObject({ status: 'warn', reason: 'tls-inspected', step: 'tls' });
    expect(r.summary).toMatch(/^TLS inspection on the path: .*no GREASE values, which Chromium always sends/);
    expect(r.summary).toMatch(/SIP over TLS \(TCP 5096\/5097\)/);
    expect(r.data.inspection).toEqual({ missing: 'grease', received: PROXY });
  });

  it("passes with the browser's own hello", async () => {
    const ctx = { ...fakeContext({ fetch: answer(CHROMIUM) }), tlsStack: 'chromium' as const };
    expect(await checkRelayHttps('https://relay.example', ctx)).toMatchObject({
      status: 'pass',
      reason: 'ok',
    });
  });
});
