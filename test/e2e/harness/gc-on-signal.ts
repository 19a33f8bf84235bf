/**
 * Preloaded (node --expose-gc --import) into a relay process whose memory a test or benchmark measures:
 * SIGUSR2 runs a full garbage collection. Never part of the relay itself.
 */
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('gc-on-signal needs node --expose-gc');
process.on('SIGUSR2', () => collect());

export {};
