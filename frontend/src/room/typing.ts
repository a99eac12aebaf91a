/** Typing indicators: throttled outgoing `typing` events, and who else is typing. */

/** Send `typing: true` at most every 3 s while typing, `typing: false` after 5 s idle or on send. */
export class OutgoingTyping {
  private lastTrueAt = 0;
  private typing = false;
  private idleTimer: number | undefined;

  constructor(
    private readonly emit: (typing: boolean) => void,
    private readonly throttleMs = 3000,
    private readonly idleMs = 5000,
  ) {}

  /** Call on every input event in the composer. */
  input(isEmpty: boolean): void {
    if (isEmpty) {
      this.stop();
      return;
    }
    const now = Date.now();
    if (!this.typing || now - this.lastTrueAt >= this.throttleMs) {
      this.typing = true;
      this.lastTrueAt = now;
      this.emit(true);
    }
    window.clearTimeout(this.idleTimer);
    this.idleTimer = window.setTimeout(() => this.stop(), this.idleMs);
  }

  /** Call on send, on leaving, or when the composer empties. */
  stop(): void {
    window.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (!this.typing) return;
    this.typing = false;
    this.lastTrueAt = 0;
    this.emit(false);
  }

  /** Forget state without emitting (e.g. after a disconnect, where the server has forgotten it too). */
  reset(): void {
    window.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.typing = false;
    this.lastTrueAt = 0;
  }
}

/**
 * Who else is typing. Each `typing: true` holds for a while on its own (senders repeat it every 3 s while
 * typing), so a lost `typing: false` doesn't leave someone "typing" for ever.
 */
export class IncomingTyping {
  private readonly typists = new Map<number, { name: string; timer: number }>();

  constructor(
    private readonly onChange: (names: string[]) => void,
    private readonly expireMs = 7000,
  ) {}

  update(userId: number, name: string, typing: boolean): void {
    const existing = this.typists.get(userId);
    if (existing) window.clearTimeout(existing.timer);
    if (typing) {
      const timer = window.setTimeout(() => this.update(userId, name, false), this.expireMs);
      this.typists.set(userId, { name, timer });
      if (!existing || existing.name !== name) this.changed();
    } else if (existing) {
      this.typists.delete(userId);
      this.changed();
    }
  }

  /** Drop anyone no longer in the room (or everyone, with no argument). */
  retain(userIds?: ReadonlySet<number>): void {
    let changed = false;
    for (const [id, entry] of this.typists) {
      if (!userIds || !userIds.has(id)) {
        window.clearTimeout(entry.timer);
        this.typists.delete(id);
        changed = true;
      }
    }
    if (changed) this.changed();
  }

  private changed(): void {
    this.onChange([...this.typists.values()].map((e) => e.name));
  }
}
