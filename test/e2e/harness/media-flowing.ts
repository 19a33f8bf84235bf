/**
 * Waits for what the popup shows as "encrypted audio is flowing": the running check's first echo came back.
 * Scenarios that break the media path "in the middle of a run" start from there, not from a fixed time after
 * the click: on a busy computer HTTPS, WSS and the media set-up can take longer than the test guessed, and
 * an outage that begins before the audio does is a different failure.
 */
import { request } from '../../../src/cli/drive-extension.ts';
import type { ExtensionPage } from '../../../src/cli/extension-page.ts';
import type { Report } from '../../../src/protocol/report.ts';

interface State {
  status: string;
  runId: string | null;
  mediaFlowingMs?: number | null;
  last: Report | null;
}

/**
 * Polls the run state from an extension page until the run (this `runId`, or else whichever run is going)
 * says audio flows; throws if that run ends first or nothing flows within `timeoutMs`.
 */
export async function untilMediaFlows(
  page: ExtensionPage,
  runId?: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string | null = runId ?? null;
  while (Date.now() < deadline) {
    const s = (await request(page, { type: 'getState' })) as State;
    if (s.status === 'running' && (runId === undefined || s.runId === runId)) {
      seen = s.runId;
      if (s.mediaFlowingMs != null) return;
    } else if (seen !== null && s.status === 'idle' && s.last?.runId === seen) {
      throw new Error(`the run ended before audio flowed: ${s.last.headline}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no echoed audio within ${timeoutMs / 1000} s`);
}
