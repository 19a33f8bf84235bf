/**
 * The /healthz poller of the attack benchmark, in a worker thread of its own: the attacker's work (TLS
 * handshakes, building bodies) runs on the main thread and must not delay the poller's clock, or its own
 * stalls would be counted as the relay's. Says "ready" once loaded; then "start" polls (every `everyMs`,
 * one request at a time) and "stop" answers what it saw.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type HealthPoll, pollHealth } from '../../test/helpers/relay-load.ts';

const { port, cert, everyMs } = workerData as { port: number; cert: string; everyMs: number };
let poll: HealthPoll | null = null;
parentPort?.on('message', async (cmd: 'start' | 'stop') => {
  if (cmd === 'start') {
    poll = pollHealth(port, cert, everyMs);
    parentPort?.postMessage('started');
  } else if (poll) {
    parentPort?.postMessage(await poll.stop());
    poll = null;
  }
});
parentPort?.postMessage('ready');
