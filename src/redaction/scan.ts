/**
 * Finds IP addresses in free text in one left-to-right pass: the extension redacts what it finds before a
 * report is shared, the relay refuses an upload said to be redacted that still holds one. Both run this
 * same scanner, so what the extension leaves the relay accepts.
 *
 * Why not regular expressions: a pattern over unbounded text can backtrack (one 200,000-character string
 * froze the relay for 37 s). Here every start position does a bounded amount of work (an address is at
 * most 45 characters), so the work grows linearly with the text; `steps` counts it, and tests hold it to a
 * fixed multiple of the length.
 *
 * Spellings found, since a report's strings come from many places (browsers, SIP stacks, URLs):
 * - text is first folded: NFKC (full-width digits and dots), any script's decimal digits (Arabic-Indic …)
 *   to ASCII, and percent-encoded ASCII ("%2E") decoded;
 * - IPv4 in dotted form whatever is glued to it ("host.203.0.113.45", "203.0.113.45.5060"), with each part
 *   decimal, octal ("0313") or hex ("0xcb"); as a URL host also the one- to three-part forms browsers
 *   accept ("http://3405803821/", "http://0xcb00712d/");
 * - IPv6 in full, compressed and IPv4-tailed form, after a label ("udp:2001:db8::1"), with a port glued on
 *   without brackets ("2001:db8:0:0:0:0:0:1:5060"), with a zone ("fe80::1%eth0").
 * Colon-hex strings longer than an address (certificate fingerprints) and dotted numbers that are not four
 * bytes (versions such as 140.0.7339.80) are not addresses.
 */

export interface FoundAddress {
  /** Where the address is in the original text: [start, end). */
  start: number;
  end: number;
  /** End of a zone ("%eth0") right after an IPv6 address; equal to `end` when there is none. */
  zoneEnd: number;
  /** The address in plain ASCII: dotted decimal for every IPv4 spelling, IPv6 as written (folded). */
  address: string;
}

export interface ScanResult {
  found: FoundAddress[];
  /** Characters examined: at most a fixed multiple of the text's length. */
  steps: number;
}

/** Longest IPv6 spelling with an IPv4 tail, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255". */
const MAX_IPV6 = 45;
/** Longest zone kept together with its address. */
const MAX_ZONE = 32;
/** Characters that stand for no address character after folding. */
const OTHER = 0xfffd;
const DECIMAL_DIGIT = /\p{Nd}/u;

interface Folded {
  /** One character per folded unit. */
  s: string;
  /** from[i] is where folded character i starts in the original text (null: the text is its own fold). */
  from: Int32Array | null;
}

// Character classes by code, on the folded text (charCodeAt past the end is NaN: no class).
const code = (s: string, i: number) => s.charCodeAt(i);
const isDigitCode = (c: number) => c >= 48 && c <= 57;
const isHexCode = (c: number) => isDigitCode(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isDigit = (s: string, i: number) => isDigitCode(code(s, i));
const isHex = (s: string, i: number) => isHexCode(code(s, i));
const isHostChar = (s: string, i: number) => {
  const c = code(s, i) | 0x20; // lower case for letters
  return isDigit(s, i) || (c >= 97 && c <= 122) || code(s, i) === 45 || code(s, i) === 95;
};

/** The value of a decimal digit of any script: its distance from the zero of its run of ten. */
function digitValue(cp: number): number {
  let k = 0;
  while (k < 9 && DECIMAL_DIGIT.test(String.fromCodePoint(cp - k - 1))) k++;
  return k;
}

/** Folded non-ASCII characters seen so far (a text uses few distinct ones; NFKC per character is slow). */
const folded = new Map<number, number>();
const FOLD_CACHE_MAX = 4096;

/** A non-ASCII character as the scanner reads it: an ASCII look-alike, a digit, or OTHER. */
function foldChar(cp: number): number {
  const known = folded.get(cp);
  if (known !== undefined) return known;
  const f = foldUncached(String.fromCodePoint(cp), cp);
  if (folded.size < FOLD_CACHE_MAX) folded.set(cp, f);
  return f;
}

function foldUncached(ch: string, cp: number): number {
  // Ideographic and half-width full stops, the Arabic decimal separator: dots in hand-written addresses.
  if (cp === 0x3002 || cp === 0xff61 || cp === 0x066b) return 0x2e;
  const n = ch.normalize('NFKC');
  if (n.length === 1 && n.charCodeAt(0) < 0x80) return n.charCodeAt(0);
  if (DECIMAL_DIGIT.test(ch)) return 0x30 + digitValue(cp);
  return OTHER;
}

const hexValue = (code: number) =>
  code >= 48 && code <= 57
    ? code - 48
    : code >= 65 && code <= 70
      ? code - 55
      : code >= 97 && code <= 102
        ? code - 87
        : -1;

const UTF16 = new TextDecoder('utf-16le');

function fold(text: string, count: { steps: number }): Folded {
  // Most text is plain ASCII without percent signs: then it is its own folded form.
  let plain = true;
  for (let i = 0; i < text.length && plain; i++) {
    const c = text.charCodeAt(i);
    plain = c < 0x80 && c !== 0x25;
  }
  count.steps += text.length;
  if (plain) return { s: text, from: null };
  const out = new Uint16Array(text.length);
  const from = new Int32Array(text.length + 1);
  let m = 0;
  let i = 0;
  while (i < text.length) {
    count.steps++;
    const c = text.charCodeAt(i);
    from[m] = i;
    if (c === 0x25 && i + 2 < text.length) {
      const hi = hexValue(text.charCodeAt(i + 1));
      const lo = hexValue(text.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0 && hi < 8) {
        out[m++] = hi * 16 + lo;
        i += 3;
        continue;
      }
    }
    if (c < 0x80) {
      out[m++] = c;
      i++;
      continue;
    }
    const cp = text.codePointAt(i) as number;
    out[m++] = foldChar(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  from[m] = text.length;
  return { s: UTF16.decode(out.subarray(0, m)), from };
}

/** One IPv4 part at j: decimal, octal (leading 0) or hex (0x); null when none. */
function partAt(s: string, j: number, count: { steps: number }): { value: number; end: number } | null {
  if (s[j] === '0' && (s[j + 1] === 'x' || s[j + 1] === 'X') && isHex(s, j + 2)) {
    let k = j + 2;
    while (k < j + 11 && isHex(s, k)) k++;
    count.steps += k - j;
    if (isHex(s, k)) return null;
    return { value: Number.parseInt(s.slice(j + 2, k), 16), end: k };
  }
  if (!isDigit(s, j)) return null;
  let k = j;
  while (k < j + 11 && isDigit(s, k)) k++;
  count.steps += k - j;
  if (isDigit(s, k)) return null;
  const digits = s.slice(j, k);
  const octal = digits.length > 1 && digits.startsWith('0') && /^[0-7]+$/.test(digits);
  return { value: octal ? Number.parseInt(digits, 8) : Number(digits), end: k };
}

/**
 * An IPv4 address starting at i. Four parts of one byte each anywhere; as a URL host (`urlHost`) also the
 * shorter forms whose last part fills the remaining bytes (inet_aton, as browsers read them).
 */
function ipv4At(
  s: string,
  i: number,
  urlHost: boolean,
  count: { steps: number },
): { end: number; address: string } | null {
  const parts: number[] = [];
  let j = i;
  let end = i;
  while (parts.length < 4) {
    const part = partAt(s, j, count);
    if (!part) break;
    parts.push(part.value);
    end = part.end;
    if (s[end] !== '.' || parts.length === 4) break;
    j = end + 1;
  }
  if (parts.length === 4 && parts.every((p) => p <= 255)) return { end, address: parts.join('.') };
  if (!urlHost || parts.length === 0) return null;
  // A URL host ends here: a following name character or ".name" would make it a domain name.
  if (isHostChar(s, end) || (s[end] === '.' && isHostChar(s, end + 1))) return null;
  const last = parts[parts.length - 1] as number;
  const head = parts.slice(0, -1);
  const lastBytes = 4 - head.length;
  if (head.some((p) => p > 255) || last >= 2 ** (8 * lastBytes)) return null;
  const octets = [...head];
  for (let b = lastBytes - 1; b >= 0; b--) octets.push(Math.floor(last / 2 ** (8 * b)) % 256);
  return { end, address: octets.join('.') };
}

/** Strict dotted decimal (the tail of an IPv6 address) at j: its end, or -1. */
function dottedDecimalEnd(s: string, j: number, count: { steps: number }): number {
  let k = j;
  for (let n = 0; n < 4; n++) {
    const start = k;
    while (k < start + 4 && isDigit(s, k)) k++;
    count.steps += k - start;
    const len = k - start;
    if (len === 0 || len > 3 || (len > 1 && s[start] === '0') || Number(s.slice(start, k)) > 255) return -1;
    if (n < 3) {
      if (s[k] !== '.') return -1;
      k++;
    }
  }
  return isDigit(s, k) ? -1 : k;
}

/** True when the colon-hex run goes on at p: then what ended before p was part of something longer. */
const runGoesOn = (s: string, p: number) =>
  isHex(s, p) || (s[p] === ':' && (isHex(s, p + 1) || s[p + 1] === ':')) || (s[p] === '.' && isHex(s, p + 1));

/** An IPv6 address starting at i (a group's first digit or a "::"): its end, or -1. */
function ipv6At(s: string, i: number, count: { steps: number }): number {
  let j = i;
  let groups = 0;
  let compressed = false;
  let lastValid = -1;
  if (s[j] === ':') {
    if (s[j + 1] !== ':') return -1;
    compressed = true;
    j += 2;
    lastValid = j;
  }
  // Nine groups at most: eight and a port glued on without brackets.
  while (groups < 9 && j - i <= MAX_IPV6) {
    let k = j;
    while (k < j + 5 && isHex(s, k)) k++;
    count.steps += k - j + 1;
    const len = k - j;
    if (len === 0 || len > 4) break;
    if (s[k] === '.' && (compressed ? groups + 2 <= 7 : groups + 2 === 8)) {
      const tailEnd = dottedDecimalEnd(s, j, count);
      if (tailEnd > 0) {
        lastValid = tailEnd;
        j = tailEnd;
        break;
      }
    }
    groups++;
    j = k;
    if (compressed ? groups <= 7 : groups === 8) lastValid = k;
    if (s[k] === ':' && s[k + 1] === ':') {
      if (compressed) break;
      compressed = true;
      j = k + 2;
      if (groups <= 7) lastValid = j;
      continue;
    }
    if (s[k] === ':' && isHex(s, k + 1)) {
      j = k + 1;
      continue;
    }
    break;
  }
  if (lastValid < 0) return -1;
  // A port glued on with a colon ("…:7334:5060"): the address ends before it.
  if (s[lastValid] === ':' && isDigit(s, lastValid + 1)) {
    let p = lastValid + 1;
    while (p < lastValid + 7 && isDigit(s, p)) p++;
    count.steps += p - lastValid;
    if (p - lastValid - 1 <= 5 && !runGoesOn(s, p)) return lastValid;
  }
  return runGoesOn(s, lastValid) ? -1 : lastValid;
}

/** A group's first character with nothing hex-like before it: where an IPv6 address may begin. */
function ipv6MayStart(s: string, i: number): boolean {
  if (s[i] === ':') return s[i + 1] === ':' && !isHex(s, i - 1) && s[i - 1] !== ':';
  if (!isHex(s, i) || isHex(s, i - 1)) return false;
  // Inside a colon-hex run ("…AB:CD"), only the run's first group starts an address.
  return !(s[i - 1] === ':' && (isHex(s, i - 2) || s[i - 2] === ':'));
}

const isZoneChar = (s: string, i: number) => isHostChar(s, i) || s[i] === '.';

const afterUrlScheme = (s: string, i: number) => (s[i - 1] === '/' && s[i - 2] === '/') || s[i - 1] === '@';

/**
 * Every IP address in `text`, in order, with the work it took; with `stop`, the scan ends at the first
 * address `stop` accepts (the relay needs only the first one it refuses).
 */
export function scanAddresses(text: string, stop?: (found: FoundAddress) => boolean): ScanResult {
  const count = { steps: 0 };
  const { s, from } = fold(text, count);
  const found: FoundAddress[] = [];
  const at = (folded: number) => (from ? (from[folded] as number) : folded);
  let i = 0;
  while (i < s.length) {
    count.steps++;
    if (ipv6MayStart(s, i)) {
      const end = ipv6At(s, i, count);
      if (end > 0) {
        let zoneEnd = end;
        if (s[end] === '%') {
          let z = end + 1;
          while (z < end + 1 + MAX_ZONE && isZoneChar(s, z)) z++;
          count.steps += z - end;
          if (z > end + 1) zoneEnd = z;
        }
        const f = { start: at(i), end: at(end), zoneEnd: at(zoneEnd), address: s.slice(i, end) };
        found.push(f);
        if (stop?.(f)) break;
        i = zoneEnd;
        continue;
      }
    }
    if (isDigit(s, i) && !isDigit(s, i - 1)) {
      const v4 = ipv4At(s, i, afterUrlScheme(s, i), count);
      if (v4) {
        const f = { start: at(i), end: at(v4.end), zoneEnd: at(v4.end), address: v4.address };
        found.push(f);
        if (stop?.(f)) break;
        i = v4.end;
        continue;
      }
    }
    i++;
  }
  return { found, steps: count.steps };
}
