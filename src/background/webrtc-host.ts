/**
 * What a run needs from WebRTC, wherever the browser lets it live (an offscreen document in Chrome, the
 * background page in Firefox: media-host.ts). Its own file so the run manager does not pull the real browser in.
 */
import type { BindingRunner, MediaRunner } from '../checks/plan.ts';
import type { PortMatrixContext } from '../checks/ports/port-matrix.ts';

export interface WebRtcHost {
  media: MediaRunner;
  iceProbes: PortMatrixContext['iceProbes'];
  natProbe: PortMatrixContext['natProbe'];
  bindingLifetime: BindingRunner;
}
