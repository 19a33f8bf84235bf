/**
 * The lab's explicit web proxy (lab-proxy.ts) on the router's LAN address: browsers set to use it reach the
 * relay through it while the router's firewall may drop their direct traffic, as in an office.
 */
import { join } from 'node:path';
import { LAB, type Lab } from './lab.ts';
import { startLabService } from './lab-service.ts';

export const LAB_PROXY_URL = `http://${LAB.lan.router}:3128`;

export interface LabProxy {
  /** Which CONNECT ports it allows from now on: a list, or any. */
  allow(ports: number[] | 'any'): Promise<void>;
  /** Every CONNECT it read since it started, in order. */
  connects: Array<{ port: number; allowed: boolean }>;
}

export async function startLabProxy(lab: Lab): Promise<LabProxy> {
  const connects: LabProxy['connects'] = [];
  const service = await startLabService(
    lab.router,
    join(import.meta.dirname, 'lab-proxy.ts'),
    [`${LAB.lan.router}:3128`, `${LAB.relayName}=${LAB.wan.provider}`],
    (event) => {
      if (event.event === 'connect') connects.push({ port: Number(event.port), allowed: !!event.allowed });
    },
  );
  return { connects, allow: (ports) => service.send({ allow: ports }) };
}

/**
 * What the desk phone profile shows behind the proxy at CONNECT to 443 only with direct traffic dropped, in
 * every browser: every TCP row blocked by the proxy (443 only through it), the UDP rows blocked directly.
 */
export const CONNECT_443_ONLY = {
  rows: {
    'desk-phone-sip-tcp': 'blocked',
    'desk-phone-rtp': 'blocked',
    'desk-phone-sip-tls': 'blocked',
    'desk-phone-srtp': 'blocked',
    'desk-phone-provisioning-https': 'blocked',
    'desk-phone-presence-sip-tcp': 'blocked',
  },
  port: (t: 'tcp' | 'udp', p: number) =>
    t === 'udp' ? 'blocked' : p === 443 ? 'via-proxy' : 'proxy-blocked',
  remediation: ['TCP 5090', 'UDP 20000-39999', 'TCP 5096', 'UDP 40000-49999', 'TCP 80', 'TCP 5090'],
} as const;
