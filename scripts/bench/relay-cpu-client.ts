/**
 * One load-generator process of bench:relay-cpu (scripts/bench/relay-cpu.ts forks several): N callers of
 * the kind named by its first argument (callers/ldc.ts: libdatachannel peers; callers/native.ts: werift
 * set-ups handed to a native pump), each sending one Opus-sized audio stream at 50 packets/s over DTLS-SRTP
 * through the relay and timing every echo. A caller falls quiet after its first echo and sends again on
 * 'start', once every caller is set up: the relay's DTLS set-ups then do not compete with hundreds of echoed
 * streams (on 2 shared cores, setting up 400 streams that already echoed took longer than a session lives),
 * and every stream sends for the whole window.
 *
 * Driven over the IPC channel (messages below); it never decides what the benchmark reports.
 */
import { LdcCallers } from './callers/ldc.ts';
import { NativeCallers } from './callers/native.ts';
import { CALLER_KINDS, type CallerKind, type CallerPool, INTERVAL_MS } from './callers/pool.ts';

export type ToClient =
  | { type: 'open'; port: number; cert: string; streams: number; ramp: number; setupLimitMs: number }
  /** Every caller sends again, each from a random point of the 20 ms frame (independent callers). */
  | { type: 'start' }
  /** Start of the measured window: counts are taken from here, round trips collected from here. */
  | { type: 'mark' }
  | { type: 'report' }
  | { type: 'close' };

export type FromClient =
  | { type: 'opened'; connected: number; failures: string[] }
  | { type: 'marked' }
  | { type: 'started' }
  | {
      type: 'report';
      /** Per connected stream: packets sent and echoes received within the window. */
      sent: number[];
      echoed: number[];
      /** Every echo's round trip in the window, ms. */
      rttMs: number[];
      /** Sessions the relay ended before the client said bye. */
      ended: number;
      /** What this kind of caller adds (the native pump's counters). */
      notes: string[];
    }
  | { type: 'closed' };

async function open(pool: CallerPool, msg: Extract<ToClient, { type: 'open' }>): Promise<FromClient> {
  const failures: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(msg.ramp, msg.streams) }, async () => {
      while (next < msg.streams) {
        next++;
        try {
          await pool.open(msg.port, msg.cert, msg.setupLimitMs);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    }),
  );
  return { type: 'opened', connected: pool.connected(), failures };
}

const kind = process.argv[2] as CallerKind;
if (!CALLER_KINDS.includes(kind)) throw new Error(`relay-cpu-client: callers ${CALLER_KINDS.join(' or ')}`);
const pool: CallerPool = kind === 'native' ? new NativeCallers() : new LdcCallers();

process.on('message', (msg: ToClient) => {
  const reply = (m: FromClient) => process.send?.(m);
  switch (msg.type) {
    case 'open':
      void open(pool, msg).then(reply);
      break;
    case 'start':
      pool.start();
      setTimeout(() => reply({ type: 'started' }), INTERVAL_MS);
      break;
    case 'mark':
      pool.mark();
      reply({ type: 'marked' });
      break;
    case 'report':
      reply({ type: 'report', ...pool.report() });
      break;
    case 'close':
      pool.close();
      reply({ type: 'closed' });
      // libdatachannel keeps threads alive after its peers close: exit once the parent has the answer.
      setTimeout(() => process.exit(0), 200);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
