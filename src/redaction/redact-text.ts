/**
 * Addresses in free text, both ways the product needs them: the extension redacts a report's strings before
 * they leave this computer, and the relay lists the host-identifying addresses an upload still holds. Both
 * read the text with the same scanner (./scan.ts) and judge each address with the same rules (./ip.ts).
 */
import { type AddressKind, addressKind, canonicalIp, redactIp } from './ip.ts';
import { scanAddresses } from './scan.ts';

/** True when the text before `at` makes the address a URL's host ("https://203.0.113.5", "wss://[…"). */
const inUrlHost = (text: string, at: number) => /:\/\/\[?$/.test(text.slice(Math.max(0, at - 4), at));

/**
 * Every address in a string, redacted with redactIp (a zone after it, "%eth0", goes too: it names an
 * interface of this machine). Addresses in `keepInUrls` (canonical, see canonicalIp) stay where they are a
 * URL's host: the relay's own address in its URLs names the server, not the user.
 */
export function redactAddressesIn(text: string, keepInUrls: ReadonlySet<string> = new Set()): string {
  const { found } = scanAddresses(text);
  let out = '';
  let at = 0;
  for (const f of found) {
    const redacted = redactIp(f.address);
    if (redacted === f.address) continue;
    const canonical = canonicalIp(f.address);
    if (canonical !== null && keepInUrls.has(canonical) && inUrlHost(text, f.start)) continue;
    out += text.slice(at, f.start) + redacted;
    at = f.zoneEnd;
  }
  return at === 0 ? text : out + text.slice(at);
}

/**
 * Kinds the relay refuses in a report said to be redacted. Loopback, unspecified, multicast, reserved and
 * network numbers name no host of the user's network; documentation ranges count as public, since they
 * stand in for real addresses in tests and examples.
 */
const IDENTIFYING: ReadonlySet<AddressKind> = new Set(['public', 'private', 'link-local', 'shared']);

const identifies = (address: string, allowed: ReadonlySet<string>) => {
  const kind = addressKind(address);
  return kind !== null && IDENTIFYING.has(kind) && !allowed.has(canonicalIp(address) ?? '');
};

/** The host-identifying addresses in one string, in order, as spelled; `allowed` holds canonical ones. */
export function identifyingAddressesIn(text: string, allowed: ReadonlySet<string> = new Set()): string[] {
  return scanAddresses(text)
    .found.filter((f) => identifies(f.address, allowed))
    .map((f) => text.slice(f.start, f.end));
}

/** The first host-identifying address in one string, or null; stops scanning there. */
export function firstIdentifyingAddress(
  text: string,
  allowed: ReadonlySet<string> = new Set(),
): string | null {
  const { found } = scanAddresses(text, (f) => identifies(f.address, allowed));
  const last = found[found.length - 1];
  return last && identifies(last.address, allowed) ? text.slice(last.start, last.end) : null;
}
