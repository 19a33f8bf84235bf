/**
 * The lab's DNS server (run inside the router namespace by lab.ts): answers A and AAAA queries for the names
 * it is given (a name given twice, once with an IPv4 and once with an IPv6 address, has both records, as a
 * dual-stack provider's name does), NODATA for other types of those names, NXDOMAIN for everything else, so
 * the extension reaches the relay by name as it would at a customer's. It never forwards a query anywhere.
 *   node lab-dns.ts ADDRESS NAME=IP [NAME=IP ...]
 * Prints one JSON line {"event":"ready"} once it listens on ADDRESS:53/udp, then {"event":"query",...} for
 * every query it reads (so a test can tell which names a browser looked up).
 *
 * A scenario can break DNS the ways customers' networks do: one JSON line on stdin, {"mode":"..."}, with
 *   answer   (default) as above;
 *   drop     no answer at all, as when a firewall drops DNS or the server is down;
 *   nxdomain "no such name" for every name, as a split-horizon DNS that does not know the provider;
 *   servfail "server failure" for every name, as a resolver that cannot reach upstream.
 * The server acknowledges a mode with {"event":"mode","mode":...} on stdout.
 */
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import dnsPacket from 'dns-packet';

/** Classic DNS over UDP; a query larger than this is not one we need to read. */
const MAX_QUERY_BYTES = 512;
const TTL_S = 5;
const RCODE = { ok: 0, servfail: 2, nxdomain: 3 } as const;
const MODES = ['answer', 'drop', 'nxdomain', 'servfail'] as const;
type Mode = (typeof MODES)[number];

const [address, ...pairs] = process.argv.slice(2);
if (!address || pairs.length === 0) {
  console.error('usage: lab-dns.ts ADDRESS NAME=IP [NAME=IP ...]');
  process.exit(2);
}
/** Each name's addresses: the A records (IPv4) and the AAAA records (IPv6). */
const names = new Map<string, string[]>();
for (const p of pairs) {
  const [name, ip] = p.split('=');
  const key = String(name).toLowerCase();
  names.set(key, [...(names.get(key) ?? []), String(ip)]);
}
let mode: Mode = 'answer';

function answer(q: dnsPacket.Packet, question: dnsPacket.Question): Buffer {
  const ips = mode === 'answer' ? names.get(question.name.toLowerCase()) : undefined;
  const rcode = mode === 'servfail' ? RCODE.servfail : ips === undefined ? RCODE.nxdomain : RCODE.ok;
  const v6 = question.type === 'AAAA';
  const records = question.type === 'A' || v6 ? (ips ?? []).filter((ip) => ip.includes(':') === v6) : [];
  // The response code is the low four bits of the flags (dns-packet writes `flags` as they are).
  return dnsPacket.encode({
    type: 'response',
    id: q.id ?? 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | ((q.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode,
    questions: [question],
    answers: records.map((ip) => ({
      type: v6 ? ('AAAA' as const) : ('A' as const),
      class: 'IN' as const,
      name: question.name,
      ttl: TTL_S,
      data: ip,
    })),
  });
}

const socket = createSocket('udp4');
socket.on('message', (msg, from) => {
  if (msg.length > MAX_QUERY_BYTES) return;
  let q: dnsPacket.Packet;
  try {
    q = dnsPacket.decode(msg);
  } catch {
    return;
  }
  const question = q.questions?.[0];
  if (q.type !== 'query' || !question) return;
  console.log(
    JSON.stringify({ event: 'query', name: question.name.toLowerCase(), type: question.type, mode }),
  );
  if (mode === 'drop') return;
  socket.send(answer(q, question), from.port, from.address);
});
socket.on('error', (err) => {
  console.error(`lab-dns: ${err.message}`);
  process.exit(1);
});
createInterface({ input: process.stdin }).on('line', (line) => {
  let wanted: unknown;
  try {
    wanted = (JSON.parse(line) as { mode?: unknown }).mode;
  } catch {
    wanted = undefined;
  }
  if (!MODES.includes(wanted as Mode)) {
    console.error(`lab-dns: unknown mode line ${line.slice(0, 80)}`);
    return;
  }
  mode = wanted as Mode;
  console.log(JSON.stringify({ event: 'mode', mode }));
});
socket.bind(53, address, () => console.log(JSON.stringify({ event: 'ready', address })));
