/**
 * Internal messages: one typed sender for pages, one validated receiver for the background. Every request is
 * schema-checked and must come from this extension's own pages; anything else is refused.
 */
import * as v from 'valibot';
import { english } from '../messages/render.ts';
import { RuntimeRequest, type RuntimeResponse } from '../protocol/runtime-messages.ts';
import { problemOf } from '../protocol/settings.ts';
import type { Browser, Runtime } from './browser-api.ts';

export type Handlers = {
  [K in RuntimeRequest['type']]: (req: Extract<RuntimeRequest, { type: K }>) => Promise<unknown>;
};

export function isOwnPage(api: Browser, sender: Runtime.MessageSender): boolean {
  const origin = new URL(api.runtime.getURL('/')).origin;
  return (
    sender.id === api.runtime.id && typeof sender.url === 'string' && new URL(sender.url).origin === origin
  );
}

export function handleMessages(api: Browser, handlers: Handlers): void {
  api.runtime.onMessage.addListener((raw: unknown, sender: Runtime.MessageSender) => {
    if (!isOwnPage(api, sender))
      return Promise.resolve<RuntimeResponse>({ ok: false, error: 'forbidden-sender' });
    const parsed = v.safeParse(RuntimeRequest, raw);
    if (!parsed.success) {
      return Promise.resolve<RuntimeResponse>({
        ok: false,
        error: `bad-message: ${english(problemOf(parsed.issues[0]))}`,
      });
    }
    const req = parsed.output;
    const handler = handlers[req.type] as (r: RuntimeRequest) => Promise<unknown>;
    return handler(req).then(
      (value): RuntimeResponse => ({ ok: true, value }),
      (err: unknown): RuntimeResponse => ({
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
  });
}

export async function sendRequest(api: Browser, req: RuntimeRequest): Promise<unknown> {
  const res = (await api.runtime.sendMessage(req)) as RuntimeResponse | undefined;
  if (!res) throw new Error('The extension background did not answer.');
  if (!res.ok) throw new Error(res.error);
  return res.value;
}
