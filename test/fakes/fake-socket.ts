/**
 * The relay's WebSocket as the checks see it, for fakes that script what the relay says (each fake extends it
 * with its `send`): it opens a moment after it is made (`open`, which a fake may override to say hello or not
 * to open at all), `emit` delivers a relay message a moment later, and `close` closes it once, with the code
 * of a dropped connection.
 */
export class FakeRelaySocket {
  static readonly OPEN = 1;
  readonly OPEN = 1;
  readyState = 0;
  onopen: (() => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  constructor(_url: string) {
    setTimeout(() => this.open(), 5);
  }
  protected open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  emit(m: unknown, delayMs = 1): void {
    setTimeout(() => this.onmessage?.({ data: JSON.stringify(m) }), delayMs);
  }
  send(_text: string): void {}
  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    setTimeout(() => this.onclose?.({ code: 1006 }), 1);
  }
}
