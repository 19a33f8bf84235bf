/**
 * Whatever was thrown, as one bounded line that names it: a browser API may reject with a DOMException or
 * a plain value instead of an Error, and Chrome's messaging hides those behind "A runtime.onMessage
 * listener's promise rejected without an Error". Pure.
 */
export function errorText(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err) {
    const { name, message } = err as { name?: unknown; message?: unknown };
    const named = typeof name === 'string' && name !== '' && name !== 'Error' ? `${name}: ` : '';
    return `${named}${String(message)}`.slice(0, 200);
  }
  return String(err).slice(0, 200);
}

/** A real Error that says which step failed and what was thrown there. */
export function stepError(step: string, err: unknown): Error {
  return new Error(`${step}: ${errorText(err)}`);
}
