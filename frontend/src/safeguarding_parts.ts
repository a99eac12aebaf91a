/**
 * Pieces the room's safeguarding panel and the safeguarding console share: a concern's words (tier, state,
 * source), its ordering, and the clocks (time since raised, time left to the acknowledgement deadline or how
 * long overdue) that tick once a second without being announced (aria-live off: a screen reader hears a clock
 * when it reads it, not every second).
 */

import { h } from './dom';
import { t, type MessageKey } from './i18n';
import { clock } from './room/countdown';
import { parseServerTime } from './time';
import type { Concern, ConcernTier } from './types_safeguarding';

export const TIER_RANK: Readonly<Record<string, number>> = { none: 0, concern: 1, high: 2, imminent: 3 };

export function tierLabel(tier: string): string {
  const key = `sg.tier.${tier}`;
  return t(key as MessageKey) ?? tier;
}

export function stateLabel(state: string): string {
  return t(`sg.state.${state}` as MessageKey) ?? state;
}

export function sourceLabel(source: string): string {
  return t(`sg.source.${source}` as MessageKey) ?? source;
}

/** The tier as a badge (colour and text: never colour alone). */
export function tierBadge(tier: ConcernTier | string): HTMLSpanElement {
  return h('span', { class: `badge badge--tier badge--tier-${tier}`, 'data-testid': 'concern-tier' }, tierLabel(tier));
}

/** Most urgent tier first, then the oldest (as the server sorts). */
export function byUrgency(a: Concern, b: Concern): number {
  return (TIER_RANK[b.tier] ?? 0) - (TIER_RANK[a.tier] ?? 0) || a.created_at.localeCompare(b.created_at) || a.id - b.id;
}

/**
 * The deadline in this browser's clock: now plus the server's `seconds_left` when the concern arrived, so a
 * browser whose clock is off still counts the right time.
 */
export function localDeadline(concern: Concern, receivedAt: number = Date.now()): number | null {
  if (concern.state !== 'raised' || concern.seconds_left === null) return null;
  return receivedAt + concern.seconds_left * 1000;
}

interface Ticking {
  raised: HTMLElement;
  left: HTMLElement;
  createdAt: number;
  deadline: number | null;
  /** Once escalated, the deadline is the next rung's (the hub's escalation contacts after the leads). */
  level: number;
}

/** Every clock on a page, ticked by one timer. */
export class Clocks {
  private readonly clocks = new Set<Ticking>();
  private timer: number | undefined;

  /** A clock for `concern`: "Raised 2:03 ago" and "0:27 left to acknowledge" / "Overdue by 0:05". */
  make(concern: Concern, deadline: number | null): HTMLElement {
    const raised = h('span', { class: 'clock__raised', 'data-testid': 'clock-raised' });
    const left = h('span', { class: 'clock__left', 'data-testid': 'clock-left' });
    const created = parseServerTime(concern.created_at)?.getTime() ?? Date.now();
    const entry: Ticking = { raised, left, createdAt: created, deadline, level: concern.escalation_level };
    this.clocks.add(entry);
    this.paint(entry, Date.now());
    this.ensure();
    return h('p', { class: 'clock', 'aria-live': 'off', 'data-testid': 'concern-clock' }, raised, deadline === null ? null : ' · ', left);
  }

  /** Forget clocks no longer in the document. */
  prune(): void {
    for (const c of [...this.clocks]) if (!c.raised.isConnected) this.clocks.delete(c);
  }

  dispose(): void {
    window.clearInterval(this.timer);
    this.timer = undefined;
    this.clocks.clear();
  }

  private ensure(): void {
    if (this.timer !== undefined) return;
    this.timer = window.setInterval(() => {
      const now = Date.now();
      for (const c of this.clocks) {
        if (!c.raised.isConnected) this.clocks.delete(c);
        else this.paint(c, now);
      }
    }, 1000);
  }

  private paint(c: Ticking, now: number): void {
    c.raised.textContent = t('sg.raisedAgo', { time: clock(Math.max(0, (now - c.createdAt) / 1000)) });
    if (c.deadline === null) {
      c.left.textContent = '';
      return;
    }
    const left = (c.deadline - now) / 1000;
    const before = c.level === 1 ? t('sg.timeLeftNext', { time: clock(left) }) : t('sg.timeLeft', { time: clock(left) });
    c.left.textContent = left > 0 ? before : t('sg.overdue', { time: clock(-left) });
    c.left.classList.toggle('clock__left--overdue', left <= 0);
    c.left.dataset.overdue = left <= 0 ? 'true' : 'false';
  }
}

/** "Pressed "I need help now", River, in Thursday evening circle": a concern in one line for announcements. */
export function concernWords(concern: Concern): { tier: string; source: string; who: string; group: string } {
  return {
    tier: tierLabel(concern.tier),
    source: sourceLabel(concern.source),
    who: concern.subject?.pseudonym ?? t('sg.someone'),
    group: concern.group_name ?? '',
  };
}
