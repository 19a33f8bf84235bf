/**
 * Performance marks the pages set, read by the page benchmarks (scripts/bench/popup-paint.ts) from the
 * browser's own timeline. A mark costs nothing the user notices and sends nothing anywhere.
 */
export const POPUP_RENDERED_MARK = 'svc-popup-rendered';
