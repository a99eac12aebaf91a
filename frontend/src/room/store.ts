/**
 * The messages held for one room: kept by id (ids are the room's increasing sequence numbers), so
 * duplicates from acks, broadcasts and reconnect catch-ups collapse into one, and order is by id whatever
 * order they arrive in.
 */

import type { Message } from '../types';

export class MessageStore {
  private readonly byId = new Map<number, Message>();
  private highest = 0;
  private lowest = 0;

  get size(): number {
    return this.byId.size;
  }

  /** The highest id held (0 when none). */
  get lastId(): number {
    return this.highest;
  }

  /** The lowest id held (0 when none). */
  get firstId(): number {
    return this.lowest;
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** Add messages; returns those that were new, in id order. */
  add(messages: readonly Message[]): Message[] {
    const added: Message[] = [];
    for (const message of messages) {
      if (!Number.isInteger(message.id) || this.byId.has(message.id)) continue;
      this.byId.set(message.id, message);
      added.push(message);
      if (message.id > this.highest) this.highest = message.id;
      if (this.lowest === 0 || message.id < this.lowest) this.lowest = message.id;
    }
    return added.sort((a, b) => a.id - b.id);
  }

  get(id: number): Message | undefined {
    return this.byId.get(id);
  }

  /** Replace a message already held (its moderation state changed); false when it is not held. */
  replace(message: Message): boolean {
    if (!this.byId.has(message.id)) return false;
    this.byId.set(message.id, message);
    return true;
  }

  /** All messages in id order. */
  ordered(): Message[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  /**
   * Whether `id` arriving now leaves a hole: it is more than one past `since`, the id up to which the
   * room is known to be complete (0 for a room that had no messages when it was entered).
   */
  static isGap(id: number, since: number): boolean {
    return id > since + 1;
  }
}
