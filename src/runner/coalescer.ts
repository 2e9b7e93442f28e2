/**
 * Coalesces bursts of change notifications into one rebuild: a rebuild runs `quietMs` after the
 * last notification, but never later than `maxDelayMs` after the first one of a burst. A single
 * change is therefore applied within `quietMs` (milliseconds), and a stream of changes (a
 * `kubectl apply` of many files, an editor writing a file in several steps) still gets applied
 * at least every `maxDelayMs`.
 */
export interface CoalescerOptions {
  quietMs: number;
  maxDelayMs: number;
}

export class Coalescer {
  private timer: NodeJS.Timeout | undefined;
  private firstAt: number | undefined;

  constructor(
    private readonly options: CoalescerOptions,
    /** Called with the time (`Date.now()`) of the burst's first notification: when the change was seen. */
    private readonly run: (firstNotifiedAt: number) => void,
  ) {}

  notify(): void {
    const now = Date.now();
    this.firstAt ??= now;
    const deadline = this.firstAt + this.options.maxDelayMs;
    const at = Math.min(now + this.options.quietMs, deadline);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - now));
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.firstAt = undefined;
  }

  private fire(): void {
    const firstAt = this.firstAt ?? Date.now();
    this.timer = undefined;
    this.firstAt = undefined;
    this.run(firstAt);
  }
}
