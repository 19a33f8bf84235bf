/**
 * The lab's DNS server (run inside the router namespace by lab.ts): answers A queries for the names it is
 * given, NODATA for other types of those names, NXDOMAIN for everything else, so the extension reaches the
 * relay by name as it would at a customer's. It never forwards a query anywhere.
 *   node lab-dns.ts ADDRESS NAME=IPv4 [NAME=IPv4 ...]
 * Prints one JSON line {"event":"ready"} once it listens on ADDRESS:53/udp.
 */
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

/** Classic DNS over UDP; a query larger than this is not one we need to read. */
const MAX_QUERY_BYTES = 512;
const TTL_S = 5;
const NXDOMAIN = 3;

const [address, ...pairs] = process.argv.slice(2);
if (!address || pairs.length === 0) {
  console.error('usage: lab-dns.ts ADDRESS NAME=IPv4 [NAME=IPv4 ...]');
  process.exit(2);
}
const names = new Map(
  pairs.map((p) => {
    const [name, ip] = p.split('=');
    return [String(name).toLowerCase(), String(ip)];
  }),
);

function answer(query: Buffer): Buffer | null {
  let q: dnsPacket.Packet;
  try {
    q = dnsPacket.decode(query);
  } catch {
    return null;
  }
  const question = q.questions?.[0];
  if (q.type !== 'query' || !question) return null;
  const ip = names.get(question.name.toLowerCase());
  // The response code is the low four bits of the flags (dns-packet writes `flags` as they are).
  const rcode = ip === undefined ? NXDOMAIN : 0;
  return dnsPacket.encode({
    type: 'response',
    id: q.id ?? 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | ((q.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode,
    questions: [question],
    answers:
      ip !== undefined && question.type === 'A'
        ? [{ type: 'A', class: 'IN', name: question.name, ttl: TTL_S, data: ip }]
        : [],
  });
}

const socket = createSocket('udp4');
socket.on('message', (msg, from) => {
  if (msg.length > MAX_QUERY_BYTES) return;
  const reply = answer(msg);
  if (reply) socket.send(reply, from.port, from.address);
});
socket.on('error', (err) => {
  console.error(`lab-dns: ${err.message}`);
  process.exit(1);
});
socket.bind(53, address, () => console.log(JSON.stringify({ event: 'ready', address })));
