/**
 * A live countdown to a moment (a mute's end, slow mode's next message). The number ticks in an element with
 * role="timer" (not announced each second); the owner is told once when it reaches zero.
 */

import { h } from '../dom';
import { formatNumber } from '../i18n';

/** "4:05" for 245 seconds, "1:02:03" past an hour. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return hours > 0 ? `${formatNumber(hours)}:${two(minutes)}:${two(rest)}` : `${formatNumber(minutes)}:${two(rest)}`;
}

export class Countdown {
  readonly el: HTMLSpanElement;
  private timer: number | undefined;
  private endsAt = 0;

  constructor(testId: string, private readonly onDone: () => void) {
    this.el = h('span', { role: 'timer', class: 'countdown', 'data-testid': testId });
  }

  /** Count down to `endsAt` (ms since the epoch). */
  start(endsAt: number): void {
    this.stop();
    this.endsAt = endsAt;
    this.tick();
    if (this.remaining() > 0) this.timer = window.setInterval(() => this.tick(), 1000);
  }

  stop(): void {
    window.clearInterval(this.timer);
    this.timer = undefined;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  remaining(): number {
    return Math.max(0, Math.ceil((this.endsAt - Date.now()) / 1000));
  }

  private tick(): void {
    const left = this.remaining();
    this.el.textContent = clock(left);
    this.el.dataset.seconds = String(left);
    if (left <= 0) {
      const was = this.running;
      this.stop();
      if (was) this.onDone();
    }
  }
}
