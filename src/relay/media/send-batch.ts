/**
 * Echoes of one event-loop turn, sent together at its end (setImmediate: after the turn's I/O callbacks)
 * instead of one by one as each packet is decrypted. On loopback and in a VM most of a datagram send's cost
 * is waking whoever receives it; sent back to back, the datagrams of a turn mostly find their receiver awake.
 * The delay this adds is the rest of the turn: what the other sessions' packets of that turn cost to
 * decrypt (bench:relay-cpu prints the echo's round trip). Process-wide: all sessions share one turn.
 */
type Send = () => void;

/** At most this many echoes wait for one turn's end; beyond, they go at once (a turn that long is late already). */
const MAX_QUEUED = 4096;

const queue: Send[] = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  // Sends queued while flushing (none today: a send queues nothing) wait for the next turn.
  const sends = queue.splice(0, queue.length);
  for (const send of sends) send();
}

/** Sends at the end of this event-loop turn, in the order queued. */
export function sendAtTurnEnd(send: Send): void {
  if (queue.length >= MAX_QUEUED) {
    send();
    return;
  }
  queue.push(send);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}
