console.log("start");
import { RtpHeader } from 'werift';
const hex = '94d8b90a07b156b0759fee4ed5f010c0fe17b360b59c03d7cda2d4d8bededd4324761cc0360346c21ed0213fef18075c64a06cd6ba29bbab25c68a3afd1b4e54ae7249bc334e9bdf5ce0f134595b91c653966137f09fa4f006a56cbf5680a1f29c064d088d19a62c0dfae2cc2eb4c3011785735faafb514124353ed89fccb9e083e7f26ba054b2129793119f3e0a6d';
const b = Buffer.from(hex, 'hex');
for (const len of [40, 60, 100, b.length - 10]) {
  const t0 = performance.now();
  try { const h = RtpHeader.deSerialize(b.subarray(0, len)); console.log(len, 'ok', h.extensions.length, h.payloadOffset); } catch (e) { console.log(len, 'err', (e as Error).message); }
  console.log('ms', performance.now() - t0);
}
