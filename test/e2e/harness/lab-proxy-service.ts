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
