/**
 * An HTTPS request to the relay that got no answer in time could have stalled at three steps: the name never
 * resolved (DNS no answer), the TCP connection never opened (a dropping firewall), or TCP opened and the TLS
 * handshake never finished (large packets lost on the path, or a TLS-inspecting middlebox). Telling an IT
 * administrator "allow outbound TCP" for the first or the last sends them after the wrong device, so two
 * more looks run at once:
 * - the same HTTPS URL again, as its own request: with host access the browser says when the name did not
 *   resolve (its resolver gives up after its own timeout, often later than ours);
 * - plain HTTP to the same port: the relay's TLS listener closes a connection that does not speak TLS at
 *   once, in small packets that pass even a path-MTU black hole. A quick end to that request means TCP
 *   opened, so it was TLS that stalled. A dropping firewall or an unresolved name leaves it hanging too.
 *   A browser that already has the relay's HSTS answers plain HTTP to the relay's name itself, without a
 *   connection, so the same request also goes to the address the browser last reached the relay at, where
 *   known: HSTS never applies to an address.
 */
import { portOf } from '../profiles/unsafe-ports.ts';
import type { CheckContext } from './context.ts';
import { classifyNetError, type NetReason } from './net-error.ts';
import { TIMEOUTS } from './timeouts.ts';

/** How long each second look may take. */
export const SECOND_LOOK_MS = 6000;
/**
 * The relay closes a plain-HTTP connection within a round trip; an end later than this may be a name that
 * finally failed to resolve, which is not evidence that TCP opened.
 */
export const TCP_WITNESS_FAST_MS = 2000;

export interface StallEvidence {
  reason: NetReason;
  /** What the plain-HTTP request to the same port met: 'closed' quickly, or 'no-answer'. */
  tcpWitness: 'closed' | 'no-answer';
  tcpWitnessMs: number;
  /**
   * Where the witness that closed was sent: the relay's name, or the address this browser last reached it
   * at (HSTS does not apply to it); 'none' when none closed.
   */
  tcpWitnessVia: 'name' | 'address' | 'none';
  /** The browser's error for the second HTTPS request, when it gave one. */
  secondLookError: string | null;
}

/**
 * The plain-HTTP URL on the same host and port (an IPv6 host keeps its brackets), or on `address` instead of
 * the host.
 */
export function tcpWitnessUrl(url: URL, address?: string): URL {
  const witness = new URL(url.toString());
  witness.protocol = 'http:';
  if (address) witness.hostname = address.includes(':') ? `[${address}]` : address;
  witness.port = String(portOf(url));
  witness.pathname = '/';
  witness.search = '';
  return witness;
}

/** An IPv4 address or a bracketed IPv6 one: the host is already an address. */
const isAddressHost = (hostname: string) => /^[\d.]+$/.test(hostname) || hostname.startsWith('[');

/** The address the browser last reached a named relay at, where the environment remembers one. */
async function knownAddressOf(ctx: CheckContext, url: URL): Promise<string | null> {
  if (!ctx.knownAddress || isAddressHost(url.hostname)) return null;
  return ctx.knownAddress(url.host).catch(() => null);
}

interface Attempt {
  ended: boolean;
  answered: boolean;
  ms: number;
}

async function attempt(ctx: CheckContext, url: string, timeoutMs: number): Promise<Attempt> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const started = ctx.now();
  try {
    const res = await ctx.fetch(url, {
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'manual',
      signal: abort.signal,
    });
    await res.body?.cancel().catch(() => undefined);
    return { ended: true, answered: true, ms: ctx.now() - started };
  } catch {
    return { ended: !abort.signal.aborted, answered: false, ms: ctx.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/** Looks again at a request to `url` that timed out; the reason is 'timed-out' when nothing more is known. */
export async function diagnoseStall(ctx: CheckContext, url: URL): Promise<StallEvidence> {
  const again = new URL(url.toString());
  again.searchParams.set('second-look', '1');
  const address = await knownAddressOf(ctx, url);
  const [byName, byAddress, second] = await Promise.all([
    attempt(ctx, tcpWitnessUrl(url).toString(), SECOND_LOOK_MS),
    address ? attempt(ctx, tcpWitnessUrl(url, address).toString(), SECOND_LOOK_MS) : null,
    attempt(ctx, again.toString(), SECOND_LOOK_MS),
  ]);
  const secondLookError = second.ended
    ? ((await ctx.netErrors.errorFor(again.toString(), TIMEOUTS.netErrorWaitMs)) ?? null)
    : null;
  // Only a connection the relay closed is evidence. An answer is not: a browser that has the relay's HSTS
  // turns the plain-HTTP request into an internal redirect at once, without opening any connection (seen in the
  // lab: a dropped port 443 read as a TLS stall in a browser that had reached the relay before).
  const closedQuickly = (w: Attempt | null) => !!w && w.ended && !w.answered && w.ms < TCP_WITNESS_FAST_MS;
  const via = closedQuickly(byName) ? 'name' : closedQuickly(byAddress) ? 'address' : 'none';
  const witness = via === 'address' && byAddress ? byAddress : byName;
  const tcpWitness = via === 'none' ? 'no-answer' : 'closed';
  const evidence = {
    tcpWitness,
    tcpWitnessMs: Math.round(witness.ms),
    tcpWitnessVia: via,
    secondLookError,
  } as const;
  // The first attempt already waited a whole step without an answer: a name that fails now never resolved.
  if (classifyNetError(secondLookError ?? undefined) === 'dns-failure') {
    return { reason: 'dns-no-answer', ...evidence };
  }
  if (tcpWitness === 'closed') return { reason: 'tls-stalled', ...evidence };
  return { reason: 'timed-out', ...evidence };
}
