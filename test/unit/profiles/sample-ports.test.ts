import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROFILE_ID,
  PROFILES,
  type Profile,
  type ProfileRow,
  probeTargets,
  profileById,
  resolveProfileId,
  samplePorts,
  samplePortsOf,
} from '../../../src/profiles/index.ts';

const byId = (id: string) => {
  const profile = profileById(id);
  if (!profile) throw new Error(`no profile ${id}`);
  return profile;
};

describe('samplePorts', () => {
  it('takes both ends and the middle of a range', () => {
    expect(samplePorts({ from: 40000, to: 49999 })).toEqual([40000, 44999, 49999]);
    expect(samplePorts({ from: 60000, to: 64999 })).toEqual([60000, 62499, 64999]);
  });

  it('gives a single port once', () => {
    expect(samplePorts({ from: 5096, to: 5096 })).toEqual([5096]);
  });

  it('does not repeat a port when the range has two ports', () => {
    expect(samplePorts({ from: 5090, to: 5091 })).toEqual([5090, 5091]);
  });

  it('samples a comma list ("80, 443") port by port', () => {
    expect(
      samplePortsOf([
        { from: 443, to: 443 },
        { from: 80, to: 80 },
      ]),
    ).toEqual([80, 443]);
  });

  it('rejects ranges that are not ports', () => {
    expect(() => samplePorts({ from: 10, to: 5 })).toThrow(RangeError);
    expect(() => samplePorts({ from: 0, to: 5 })).toThrow(RangeError);
    expect(() => samplePorts({ from: 1, to: 70000 })).toThrow(RangeError);
  });
});

describe('probeTargets', () => {
  it('probes a port shared by several rows once and names every row', () => {
    const tcp5090 = probeTargets(byId('desk-phone')).filter((t) => t.transport === 'tcp' && t.port === 5090);
    expect(tcp5090).toEqual([
      {
        profileId: 'desk-phone',
        rowIds: ['desk-phone-sip-tcp', 'desk-phone-presence-sip-tcp'],
        transport: 'tcp',
        port: 5090,
        method: 'tls-tcp',
        secureVoice: false,
        browserRestricted: false,
      },
    ]);
  });

  it('lists the desk phone probes in table order, skipping untestable rows', () => {
    expect(probeTargets(byId('desk-phone')).map((t) => `${t.method} ${t.transport}/${t.port}`)).toEqual([
      'tls-tcp tcp/5090',
      'udp-ice udp/20000',
      'udp-ice udp/29999',
      'udp-ice udp/39999',
      'tls-tcp tcp/5096',
      'udp-ice udp/40000',
      'udp-ice udp/44999',
      'udp-ice udp/49999',
      'https tcp/80',
      'https tcp/443',
    ]);
  });

  it('keeps the same port on different transports apart (Meetings 8801 TCP and UDP)', () => {
    const targets = probeTargets(byId('meetings'));
    expect(targets.map((t) => `${t.transport}/${t.port} ${t.rowIds.join(',')}`)).toEqual([
      'tcp/8801 meetings-sip-tcp',
      'tcp/8802 meetings-sip-tcp',
      'tcp/443 meetings-sip-tls,meetings-tls-media',
      'udp/8801 meetings-rtp',
    ]);
    expect(targets.find((t) => t.port === 443)?.secureVoice).toBe(true);
  });

  it('lets an HTTPS probe answer for a TLS row on the same port, and marks restricted TCP ports', () => {
    const row = (id: string, probe: ProfileRow['probe'], port: number, secureVoice = false): ProfileRow => ({
      id,
      purpose: id,
      protocol: 'x',
      transport: 'tcp',
      customerSourcePorts: null,
      providerPorts: [{ from: port, to: port }],
      probe,
      sourcePortNote: null,
      secureVoice,
    });
    const profile: Profile = {
      id: 'meetings',
      name: 'synthetic',
      rows: [
        row('a', { kind: 'tls-tcp' }, 443, true),
        row('b', { kind: 'https' }, 443),
        row('c', { kind: 'tls-tcp' }, 5061),
      ],
    };
    expect(probeTargets(profile)).toMatchObject([
      { port: 443, rowIds: ['a', 'b'], method: 'https', secureVoice: true, browserRestricted: false },
      { port: 5061, rowIds: ['c'], browserRestricted: true },
    ]);
  });

  it('gives every profile something to probe, including its Secure Voice rows', () => {
    for (const profile of PROFILES) {
      const targets = probeTargets(profile);
      expect(
        targets.some((t) => t.secureVoice),
        profile.id,
      ).toBe(true);
      expect(targets.every((t) => t.profileId === profile.id)).toBe(true);
    }
  });
});

describe('profile choice', () => {
  it('orders the profiles as the seed does and defaults to desk phones', () => {
    expect(PROFILES.map((p) => p.id)).toEqual(['desk-phone', 'mobile-app', 'desktop-app', 'meetings']);
    expect(DEFAULT_PROFILE_ID).toBe('desk-phone');
    expect(profileById('nope')).toBeUndefined();
  });

  it("takes the user's pick, else the configured default, else desk phones", () => {
    expect(resolveProfileId('meetings', 'mobile-app')).toBe('meetings');
    expect(resolveProfileId(undefined, 'mobile-app')).toBe('mobile-app');
    expect(resolveProfileId('desk phone', 42)).toBe('desk-phone');
  });
});
