/**
 * One UDP probe port: a dgram socket that hands every datagram to the shared STUN responder, sends the
 * answer (if any) back to where the request came from, and records the binding in its probe session.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { ProbePort } from '../../protocol/relay-messages.ts';
import type { BindingLifetimes } from '../core/binding-lifetime.ts';
import type { ProbeRegistry } from '../core/probe-sessions.ts';
import type { BindingResponder } from '../core/stun/binding-responder.ts';
import { bindingSuccess, parseStun } from '../core/stun/stun-message.ts';
import type { Logger } from '../logger.ts';
import type { ProbeListener } from './tcp-probe.ts';

export function createUdpProbe(opts: {
  address: string;
  port: ProbePort;
  responder: BindingResponder;
  registry: ProbeRegistry;
  /** NAT binding lifetime sessions: their checks and the browser's answers are theirs, not the responder's. */
  lifetimes?: BindingLifetimes;
  log: Logger;
  now: () => number;
}): ProbeListener {
  const socket: Socket = createSocket({ type: opts.address.includes(':') ? 'udp6' : 'udp4' });
  let bound = false;
  const sendTo = (bytes: Uint8Array, to: { address: string; port: number }) =>
    socket.send(bytes, to.port, to.address, (err) => {
      if (err)
        opts.log.debug({ event: 'probe-send-failed', relayPort: opts.port.relayPort, err: err.message });
    });
  /** True when a binding lifetime session took the datagram. */
  const lifetime = (data: Buffer, source: { address: string; port: number }): boolean => {
    if (!opts.lifetimes) return false;
    const parsed = parseStun(data);
    if (!parsed.ok) return false;
    const action = opts.lifetimes.handle(opts.port.relayPort, parsed.message, source, opts.now(), (pwd) =>
      bindingSuccess(parsed.message.transactionId, source, pwd),
    );
    if (action === null) return false;
    if (action.kind === 'answer') sendTo(action.bytes, source);
    return true;
  };
  socket.on('message', (data, rinfo) => {
    if (lifetime(data, { address: rinfo.address, port: rinfo.port })) return;
    const action = opts.responder.handle(data, { address: rinfo.address, port: rinfo.port }, opts.now());
    if (action.kind !== 'answer') return;
    const send = () =>
      socket.send(action.bytes, rinfo.port, rinfo.address, (err) => {
        if (err)
          opts.log.debug({ event: 'probe-send-failed', relayPort: opts.port.relayPort, err: err.message });
      });
    const delay = opts.registry.answerDelayFor(action.ufrag);
    if (delay > 0) setTimeout(() => bound && send(), delay).unref();
    else send();
    opts.registry.record(action.ufrag, {
      relayPort: opts.port.relayPort,
      providerPort: opts.port.providerPort,
      remoteAddress: rinfo.address,
      remotePort: rinfo.port,
    });
  });
  return {
    send: (bytes, to) => {
      if (bound) sendTo(bytes, to);
    },
    listen: () =>
      new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ port: opts.port.relayPort, address: opts.address }, () => {
          socket.off('error', reject);
          // ICMP errors for earlier answers surface here; they must not take the port down.
          socket.on('error', (err) =>
            opts.log.debug({ event: 'probe-error', transport: 'udp', ...opts.port, err: err.message }),
          );
          bound = true;
          resolve();
        });
      }),
    close: () =>
      new Promise((resolve) => {
        if (!bound) {
          resolve();
          return;
        }
        bound = false;
        socket.close(() => resolve());
      }),
  };
}
