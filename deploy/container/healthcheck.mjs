// The image's HEALTHCHECK: healthy while GET /readyz on the relay's own HTTPS port answers 200 (503 while
// it drains). The certificate is for the relay's public name, not for 127.0.0.1, so it is not verified here.
import { request } from 'node:https';

const url =
  process.env.SVC_RELAY_HEALTHCHECK_URL ?? `https://127.0.0.1:${process.env.SVC_RELAY_PORT ?? 443}/readyz`;
const req = request(url, { rejectUnauthorized: false, timeout: 4000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (err) => {
  console.error(`healthcheck: ${url}: ${err.message}`);
  process.exit(1);
});
req.end();
