/** The real ExtensionActions for extension pages: messages to the background plus storage subscriptions. */
import * as v from 'valibot';
import { getBrowser } from '../platform/browser.ts';
import { sendRequest } from '../platform/messaging.ts';
import { onRunStateChange } from '../platform/run-store.ts';
import { RunState } from '../protocol/runtime-messages.ts';
import type { ExtensionActions } from './actions.ts';

export function pageActions(): ExtensionActions {
  const api = getBrowser();
  return {
    getState: async () => v.parse(RunState, await sendRequest(api, { type: 'getState' })),
    runCheck: async (mode = 'quick') => {
      await sendRequest(api, { type: 'runCheck', mode });
    },
    subscribe: (listener) => onRunStateChange(api, listener),
  };
}
