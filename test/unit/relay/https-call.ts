/** HTTPS requests to a test relay for the share and console tests: status, headers, body. */
import { request } from 'node:https';
import type { TestRelay } from '../../helpers/in-process-relay.ts';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => Record<string, unknown>;
}

export function call(
  relay: TestRelay,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...opts.headers };
    const req = request(
      `${relay.url}${path}`,
      { method: opts.method ?? 'GET', ca: relay.tls.cert, headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) }),
        );
      },
    );
    // A refused upload may close the connection while we still send: the answer has arrived by then.
    req.on('error', (err) => reject(err));
    if (opts.body !== undefined && !opts.chunked)
      req.setHeader('Content-Length', Buffer.byteLength(opts.body));
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export const upload = (relay: TestRelay, body: unknown, headers: Record<string, string> = {}) =>
  call(relay, '/api/reports', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
