// Diagnostic only: the relay with a GC every second and heap figures on stderr.
setInterval(() => { globalThis.gc(); }, 1000).unref();
await import('../dist/relay/server.js');
