/**
 * Port lists as the kernel writes them in /proc/sys/net/ipv4/ip_local_reserved_ports ("8000,47100-47109",
 * empty when none), merged and subtracted as sets of ports. Pure, so the reservation's arithmetic is tested
 * without root (test/unit/test-ports/port-ranges.test.ts).
 */

/** Inclusive [first, last] pairs, sorted, overlapping and adjacent ones joined. */
export type Ranges = Array<[number, number]>;

export function parseRanges(list: string): Ranges {
  const ranges: Ranges = [];
  for (const part of list.split(',')) {
    const text = part.trim();
    if (!text) continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(text);
    if (!m) throw new Error(`not a port or port range: "${text}" in "${list.trim()}"`);
    const first = Number(m[1]);
    const last = Number(m[2] ?? m[1]);
    if (first > last || last > 65_535) throw new Error(`not a port range: "${text}"`);
    ranges.push([first, last]);
  }
  return normalise(ranges);
}

export function formatRanges(ranges: Ranges): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}

/** Every port of `current` and of `add`. */
export function addRanges(current: string, add: string): string {
  return formatRanges(normalise([...parseRanges(current), ...parseRanges(add)]));
}

/** The ports of `current` that are not in `remove`. */
export function removeRanges(current: string, remove: string): string {
  const cut = parseRanges(remove);
  const out: Ranges = [];
  for (const [first, last] of parseRanges(current)) {
    let from = first;
    for (const [a, b] of cut) {
      if (b < from || a > last) continue;
      if (a > from) out.push([from, a - 1]);
      from = b + 1;
    }
    if (from <= last) out.push([from, last]);
  }
  return formatRanges(out);
}

/** The ports of `wanted` that `current` lacks: what a run has to add, and later take away again. */
export function missingRanges(current: string, wanted: string): string {
  return removeRanges(wanted, current);
}

/** Whether the two lists share a port. */
export function overlaps(a: string, b: string): boolean {
  return removeRanges(a, b) !== formatRanges(parseRanges(a));
}

function normalise(ranges: Ranges): Ranges {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: Ranges = [];
  for (const [a, b] of sorted) {
    const prev = out.at(-1);
    if (prev && a <= prev[1] + 1) prev[1] = Math.max(prev[1], b);
    else out.push([a, b]);
  }
  return out;
}
