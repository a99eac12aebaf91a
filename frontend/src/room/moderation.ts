/**
 * Moderation in the room (docs/protocol.md "Moderation" and "Members' tools").
 *
 * For facilitators: room controls (slow mode, lock), the sanctions in force with Lift, the reports that
 * reach them at once (`report:new`, and the hub's open queue for this group) with Resolve, and actions on a
 * person (mute, unmute, remove, ban). For everyone: reporting a message or a person, blocking a person, and
 * the notices of what holds them (a mute with a live countdown, slow mode, a locked room, a removal) and of
 * their reports being dealt with. The server decides every rule; this only shows and asks.
 */

import type { Socket } from 'socket.io-client';

import { ApiError } from '../api';
import { memberApi, memberToolsApi } from '../api_member';
import { announce, append, h, replaceChildren } from '../dom';
import { AlertRegion } from '../forms';
import { t, translateError, type MessageKey } from '../i18n';
import { localText, timeElement } from '../time';
import type { ErrorBody, Present } from '../types';
import { Countdown } from './countdown';
import { formDialog, type FormField } from './form_dialog';
import {
  REPORT_CATEGORIES,
  type LogEntry,
  type ModMessage,
  type ModSession,
  type MyReport,
  type OwnMute,
  type PersonRef,
  type Sanction,
  type StaffReport,
} from './mod_types';

type Ack = ({ ok: true } & Record<string, unknown>) | { ok: false; error: ErrorBody & Record<string, unknown> };

/** What the room view gives the moderation tools. */
export interface ModerationHost {
  socket: Socket;
  groupId: number;
  myId: number | null;
  signal: AbortSignal;
  /** Something that changes whether this person may send now (a mute, slow mode, the lock). */
  changed(): void;
  /** The viewer's blocked list changed: redraw the messages. */
  blockedChanged(): void;
  /** A message's moderation state changed (hidden, unhidden). */
  patchMessage(id: number, patch: Partial<ModMessage>): void;
  /** Whether a message held here is hidden now (undefined when it is not held here). */
  messageHidden(id: number): boolean | undefined;
  /** This person was removed or banned: leave the room with this explanation. */
  leave(text: string): void;
}

const ACK_TIMEOUT_MS = 10_000;

function categoryLabel(category: string): string {
  const key = `mod.category.${category}`;
  return (REPORT_CATEGORIES as readonly string[]).includes(category) ? t(key as MessageKey) : category;
}

export class ModerationTools {
  /** Facilitators' panel (room controls, sanctions, reports). */
  readonly staffEl: HTMLElement;
  /** Everyone's notices, shown above the composer. */
  readonly noticesEl: HTMLElement;

  private role: string | null = null;
  private session: ModSession | null = null;
  private hubId: number | null = null;
  private blocked = new Set<number>();
  private mute: OwnMute | null = null;
  private slowUntil = 0;
  private removalText: string | null = null;
  private readonly sanctions = new Map<number, Sanction>();
  private readonly reports = new Map<number, StaffReport>();

  private readonly alert = new AlertRegion();
  private readonly staffAlert = new AlertRegion();
  private readonly muteNotice = h('div', { class: 'notice notice--mute', 'data-testid': 'mute-notice', hidden: true });
  // Not a live region: it appears with its text at once, which a hidden region would not announce; the
  // change is announced through the page's announcer instead.
  private readonly muteText = h('p', null);
  private readonly muteCountdown: Countdown;
  private readonly slowNotice = h('p', { class: 'notice', 'data-testid': 'slow-mode-notice', hidden: true });
  private readonly slowCountdown: Countdown;
  private readonly roomNotice = h('p', { class: 'notice', role: 'status', 'data-testid': 'room-notice' });
  private readonly reportNotices = h('ul', { class: 'report-notices' });
  private readonly slowInput = h('input', { type: 'number', id: 'slow-mode-seconds', min: 0, max: 3600, step: 1, value: 0, inputmode: 'numeric', 'data-testid': 'slow-mode-input' });
  private readonly lockBox = h('input', { type: 'checkbox', 'data-testid': 'lock-room' });
  private readonly pinnedState = h('p', { class: 'muted', 'data-testid': 'pinned-state' });
  private readonly sanctionsList = h('ul', { class: 'mod-list', 'data-testid': 'sanctions' });
  private readonly reportsList = h('ul', { class: 'mod-list', 'data-testid': 'reports' });

  constructor(private readonly host: ModerationHost) {
    this.muteCountdown = new Countdown('mute-countdown', () => this.muteEnded());
    this.slowCountdown = new Countdown('slow-mode-countdown', () => {
      this.slowUntil = 0;
      this.renderNotices();
      this.host.changed();
    });
    append(this.muteNotice, this.muteText, h('p', null, t('mod.mutedTimeLeft'), ' ', this.muteCountdown.el));
    this.noticesEl = h('div', { class: 'mod-notices' }, this.alert.el, this.muteNotice, this.slowNotice, this.roomNotice, h('div', { role: 'status', 'data-testid': 'report-notices' }, this.reportNotices));

    const slowForm = h(
      'form',
      { class: 'inline-form', novalidate: true },
      h('label', { for: 'slow-mode-seconds' }, t('mod.slowModeLabel')),
      this.slowInput,
      h('button', { type: 'submit', class: 'button button--small', 'data-testid': 'slow-mode-set' }, t('mod.slowModeSet')),
    );
    slowForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const seconds = Number(this.slowInput.value);
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) {
        this.staffAlert.show(t('mod.slowModeInvalid'));
        return;
      }
      void this.act('mod:slow_mode', { seconds }, (r) => this.applySession(r.session as ModSession), this.staffAlert);
    });
    this.lockBox.addEventListener('change', () => void this.act('mod:lock', { locked: this.lockBox.checked }, (r) => this.applySession(r.session as ModSession), this.staffAlert));
    this.staffEl = h(
      'section',
      { class: 'tools mod-panel', 'aria-labelledby': 'mod-heading', hidden: true, 'data-testid': 'moderation-panel' },
      h('h2', { id: 'mod-heading' }, t('mod.heading')),
      this.staffAlert.el,
      h('h3', null, t('mod.roomControls')),
      slowForm,
      h('p', null, h('label', null, this.lockBox, ' ', t('mod.lockLabel'))),
      this.pinnedState,
      h('h3', { id: 'reports-heading' }, t('mod.reportsHeading')),
      this.reportsList,
      h('h3', { id: 'sanctions-heading' }, t('mod.sanctionsHeading')),
      this.sanctionsList,
    );
    this.listen();
    this.render();
  }

  // ---- State from the room ------------------------------------------------------------------------

  applyJoin(role: string, session: ModSession | null, muted: OwnMute | null | undefined, blocked: Set<number>): void {
    this.role = role;
    this.session = session;
    this.blocked = blocked;
    if (muted !== undefined) this.setMute(muted, false);
    if (this.isStaff) {
      void this.loadSanctions();
      void this.loadReports();
    }
    this.render();
  }

  applySession(session: ModSession): void {
    const wasLocked = Boolean(this.session?.locked);
    const wasSlow = this.session?.slow_mode_seconds ?? 0;
    this.session = session;
    if (!this.isStaff) {
      if (Boolean(session.locked) !== wasLocked) announce(session.locked ? t('mod.lockedNotice') : t('mod.unlockedNotice'));
      const slow = session.slow_mode_seconds ?? 0;
      if (slow !== wasSlow) announce(slow > 0 ? t('mod.slowModeOn', { seconds: slow }) : t('mod.slowModeOff'));
    }
    this.render();
    this.host.changed();
  }

  get isStaff(): boolean {
    return this.role === 'facilitator';
  }

  get blockedIds(): ReadonlySet<number> {
    return this.blocked;
  }

  /** The reason this person cannot send just now (muted, room locked, slow mode), or ''. */
  sendBlockedReason(): string {
    if (this.isStaff) return '';
    if (this.mute) return t('mod.composerMuted');
    if (this.session?.locked && this.session.status === 'live') return t('mod.lockedNotice');
    if (this.slowUntil > Date.now()) return t('mod.composerSlow');
    return '';
  }

  /** The sentence for a removal or ban that took this person out of the room (once), if one did. */
  takeRemovalText(): string | null {
    const text = this.removalText;
    this.removalText = null;
    return text;
  }

  /**
   * A refusal of message:send that these tools explain (muted, slow_mode, room_locked, banned, removed);
   * returns the sentence to show, or null when it is not theirs.
   */
  explainRefusal(error: ErrorBody & Record<string, unknown>): string | null {
    const until = typeof error.until === 'string' ? error.until : null;
    switch (error.code) {
      case 'muted':
        this.setMute({ until, reason: this.mute?.reason ?? '' }, false);
        return t('mod.composerMuted');
      case 'slow_mode': {
        const wait = typeof error.retry_after === 'number' ? error.retry_after : (this.session?.slow_mode_seconds ?? 1);
        this.slowUntil = Date.now() + Math.max(1, wait) * 1000;
        this.slowCountdown.start(this.slowUntil);
        this.renderNotices();
        this.host.changed();
        return t('mod.slowModeWait');
      }
      case 'room_locked':
        return t('mod.lockedNotice');
      case 'banned':
        return until ? t('mod.bannedUntil', { time: localText(until) }) : t('mod.bannedForever');
      case 'removed_from_session':
        return t('mod.removedNotice');
      default:
        return null;
    }
  }

  // ---- Rendering ------------------------------------------------------------------------------------

  private render(): void {
    const running = this.session !== null && (this.session.status === 'live' || this.session.status === 'paused');
    this.staffEl.hidden = !this.isStaff;
    this.slowInput.value = String(this.session?.slow_mode_seconds ?? 0);
    this.lockBox.checked = Boolean(this.session?.locked);
    this.slowInput.disabled = !running;
    this.lockBox.disabled = !running;
    this.pinnedState.textContent = this.session?.pinned_message_id ? t('mod.pinnedSet') : t('mod.pinnedNone');
    this.renderNotices();
    this.renderSanctions();
    this.renderReports();
  }

  private renderNotices(): void {
    const live = this.session?.status === 'live';
    const notes: string[] = [];
    if (live && this.session?.locked) notes.push(this.isStaff ? t('mod.lockedStaff') : t('mod.lockedNotice'));
    const slow = this.session?.slow_mode_seconds ?? 0;
    if (live && slow > 0) notes.push(t('mod.slowModeOn', { seconds: slow }));
    this.roomNotice.textContent = notes.join(' ');
    this.roomNotice.hidden = notes.length === 0;
    const waiting = !this.isStaff && this.slowUntil > Date.now();
    this.slowNotice.hidden = !waiting;
    if (waiting) replaceChildren(this.slowNotice, t('mod.slowModeWait'), ' ', this.slowCountdown.el);
  }

  private setMute(mute: OwnMute | null, tell: boolean): void {
    this.mute = mute;
    this.muteCountdown.stop();
    if (!mute) {
      this.muteNotice.hidden = true;
      if (tell) announce(t('mod.unmutedNotice'));
      this.host.changed();
      return;
    }
    this.muteNotice.hidden = false;
    const reason = mute.reason ? h('span', { dir: 'auto', 'data-testid': 'mute-reason' }, mute.reason) : null;
    replaceChildren(this.muteText, t('mod.mutedNotice'), ' ', reason ? [t('mod.reasonLabel'), ' ', reason] : null);
    const countdownLine = this.muteCountdown.el.parentElement;
    if (mute.until) {
      const ends = Date.parse(mute.until);
      if (countdownLine) countdownLine.hidden = false;
      this.muteCountdown.start(ends);
      if (this.muteCountdown.remaining() <= 0) {
        this.muteEnded();
        return;
      }
    } else if (countdownLine) {
      countdownLine.hidden = true;
      append(this.muteText, ' ', t('mod.mutedUntilLifted'));
    }
    this.host.changed();
  }

  private muteEnded(): void {
    this.setMute(null, false);
    announce(t('mod.muteOver'));
  }

  private renderSanctions(): void {
    if (!this.isStaff) return;
    const active = [...this.sanctions.values()].sort((a, b) => a.id - b.id);
    replaceChildren(
      this.sanctionsList,
      active.length === 0
        ? h('li', { class: 'muted' }, t('mod.noSanctions'))
        : active.map((s) =>
            h(
              'li',
              { 'data-testid': 'sanction', 'data-sanction-id': s.id },
              h('span', { dir: 'auto', class: 'mod-list__name' }, s.user.display_name),
              ' ',
              t(`mod.kind.${s.kind}` as MessageKey),
              ' ',
              s.expires_at ? t('mod.until', { time: localText(s.expires_at) }) : t('mod.untilLifted'),
              h('br'),
              t('mod.reasonLabel'),
              ' ',
              h('span', { dir: 'auto' }, s.reason),
              ' ',
              h('button', { type: 'button', class: 'button button--small', 'data-testid': 'lift-sanction', onclick: () => void this.lift(s) }, t('mod.lift'), h('span', { class: 'visually-hidden' }, ' ', t('mod.liftFor', { name: s.user.display_name }))),
            ),
          ),
    );
  }

  private renderReports(): void {
    if (!this.isStaff) return;
    const open = [...this.reports.values()].filter((r) => r.status === 'open' && r.group_id === this.host.groupId).sort((a, b) => a.id - b.id);
    replaceChildren(
      this.reportsList,
      open.length === 0
        ? h('li', { class: 'muted' }, t('mod.noReports'))
        : open.map((r) =>
            h(
              'li',
              { 'data-testid': 'report', 'data-report-id': r.id },
              h('p', null, t('mod.reportAbout'), ' ', h('span', { dir: 'auto', class: 'mod-list__name' }, r.reported.display_name), ' · ', categoryLabel(r.category), ' · ', timeElement(r.created_at)),
              h('p', null, t('mod.reportBy'), ' ', h('span', { dir: 'auto' }, r.reporter.display_name)),
              r.message ? h('blockquote', { class: 'mod-list__quote prewrap', dir: 'auto', 'data-testid': 'report-message' }, r.message.body) : null,
              r.note ? h('p', null, t('mod.reportNote'), ' ', h('span', { class: 'prewrap', dir: 'auto', 'data-testid': 'report-note' }, r.note)) : null,
              r.auto_hidden ? h('p', { class: 'muted' }, t('mod.autoHidden')) : null,
              h('button', { type: 'button', class: 'button button--small', 'data-testid': 'resolve-report', onclick: () => void this.resolve(r) }, t('mod.resolve'), h('span', { class: 'visually-hidden' }, ' ', t('mod.resolveFor', { name: r.reported.display_name }))),
            ),
          ),
    );
  }

  // ---- Actions on people --------------------------------------------------------------------------

  /** The actions this viewer may take on a person in the room (block, report; for staff, sanctions). */
  personActions(person: Present): HTMLElement | null {
    if (this.host.myId === null || person.user_id === this.host.myId) return null;
    const ref: PersonRef = { id: person.user_id, display_name: person.display_name };
    const button = (label: string, testId: string, run: () => void): HTMLButtonElement =>
      h('button', { type: 'button', class: 'button button--small', 'data-testid': testId, onclick: run }, label);
    const items: HTMLButtonElement[] = [];
    const blocked = this.blocked.has(person.user_id);
    items.push(button(blocked ? t('mod.unblock') : t('mod.block'), blocked ? 'unblock-person' : 'block-person', () => void this.toggleBlock(ref)));
    items.push(button(t('mod.reportPerson'), 'report-person', () => void this.report(null, ref)));
    if (this.isStaff && person.role !== 'facilitator') {
      items.push(this.isMuted(person.user_id) ? button(t('mod.unmute'), 'unmute-person', () => void this.unmute(ref)) : button(t('mod.mute'), 'mute-person', () => void this.muteDialog(ref)));
      items.push(button(t('mod.remove'), 'remove-person', () => void this.removeDialog(ref)));
      items.push(button(t('mod.ban'), 'ban-person', () => void this.banDialog(ref)));
    }
    return h(
      'details',
      { class: 'person__options' },
      h('summary', { 'data-testid': 'person-options' }, t('mod.options'), h('span', { class: 'visually-hidden' }, ' ', t('mod.personOptionsFor', { name: person.display_name }))),
      h('div', { class: 'message__option-list' }, items),
    );
  }

  private reasonField(max: number): FormField {
    return { kind: 'text', name: 'reason', label: t('mod.reasonField'), hint: t('mod.reasonHint'), required: true, maxLength: max };
  }

  private dialogBase(title: string, confirmLabel: string, fields: FormField[], danger = false): Parameters<typeof formDialog>[0] {
    return { title, fields, confirmLabel, cancelLabel: t('room.cancel'), invalidText: t('mod.dialogInvalid'), danger };
  }

  async muteDialog(person: PersonRef): Promise<void> {
    const values = await formDialog(
      this.dialogBase(t('mod.muteTitle', { name: person.display_name }), t('mod.mute'), [
        { kind: 'number', name: 'minutes', label: t('mod.minutesField'), hint: t('mod.muteMinutesHint'), min: 1, max: 1440, value: 10 },
        this.reasonField(500),
      ]),
      this.host.signal,
    );
    if (!values) return;
    await this.act('mod:mute', { user_id: person.id, minutes: Number(values.minutes), reason: values.reason }, (r) => {
      this.addSanction(r.sanction as Sanction);
      announce(t('mod.mutedDone', { name: person.display_name }));
    });
  }

  private async unmute(person: PersonRef): Promise<void> {
    await this.act('mod:unmute', { user_id: person.id }, () => {
      for (const s of [...this.sanctions.values()]) if (s.kind === 'mute' && s.user.id === person.id) this.sanctions.delete(s.id);
      this.render();
      this.host.changed();
      announce(t('mod.unmutedDone', { name: person.display_name }));
    });
  }

  private async removeDialog(person: PersonRef): Promise<void> {
    const values = await formDialog(
      this.dialogBase(t('mod.removeTitle', { name: person.display_name }), t('mod.remove'), [this.reasonField(500)], true),
      this.host.signal,
    );
    if (!values) return;
    await this.act('mod:remove', { user_id: person.id, reason: values.reason }, (r) => {
      this.addSanction(r.sanction as Sanction);
      announce(t('mod.removedDone', { name: person.display_name }));
    });
  }

  async banDialog(person: PersonRef): Promise<void> {
    const values = await formDialog(
      this.dialogBase(t('mod.banTitle', { name: person.display_name }), t('mod.ban'), [
        { kind: 'checkbox', name: 'permanent', label: t('mod.banPermanent') },
        { kind: 'number', name: 'minutes', label: t('mod.minutesField'), hint: t('mod.banMinutesHint'), min: 1, max: 525600, value: 1440 },
        this.reasonField(500),
      ], true),
      this.host.signal,
    );
    if (!values) return;
    const minutes = values.permanent === true ? null : Number(values.minutes);
    await this.act('mod:ban', { user_id: person.id, minutes, reason: values.reason }, (r) => {
      this.addSanction(r.sanction as Sanction);
      announce(t('mod.bannedDone', { name: person.display_name }));
    });
  }

  private async lift(sanction: Sanction): Promise<void> {
    await this.act(
      'mod:lift',
      { sanction_id: sanction.id },
      () => {
        this.sanctions.delete(sanction.id);
        this.render();
        this.host.changed();
        announce(t('mod.liftedDone', { name: sanction.user.display_name }));
      },
      this.staffAlert,
    );
  }

  /** Block someone (only this viewer's view changes; they are never told), or unblock them. */
  async toggleBlock(person: PersonRef): Promise<void> {
    if (person.id === this.host.myId) return;
    this.alert.clear();
    const wasBlocked = this.blocked.has(person.id);
    try {
      if (wasBlocked) await memberToolsApi.unblock(person.id);
      else await memberToolsApi.block(person.id);
    } catch (err) {
      this.alert.show(err instanceof ApiError ? err.describe() : t('error.generic'));
      return;
    }
    if (wasBlocked) this.blocked.delete(person.id);
    else this.blocked.add(person.id);
    announce(wasBlocked ? t('mod.unblockedDone', { name: person.display_name }) : t('mod.blockedDone', { name: person.display_name }));
    this.host.blockedChanged();
  }

  // ---- Messages -----------------------------------------------------------------------------------

  async hide(message: ModMessage): Promise<void> {
    const values = await formDialog(
      this.dialogBase(t('mod.hideTitle', { name: message.author.display_name }), t('mod.hide'), [this.reasonField(200)]),
      this.host.signal,
    );
    if (!values) return;
    await this.act('mod:hide', { message_id: message.id, reason: values.reason }, (r) => {
      this.host.patchMessage(message.id, { hidden: true, hidden_reason: (r.hidden_reason as string | undefined) ?? String(values.reason) });
      announce(t('mod.hiddenDone'));
    });
  }

  async unhide(message: ModMessage): Promise<void> {
    await this.act('mod:unhide', { message_id: message.id }, () => {
      this.host.patchMessage(message.id, { hidden: false, hidden_reason: null });
      announce(t('mod.unhiddenDone'));
    });
  }

  /** Post a message a policy held for review. */
  async release(message: ModMessage): Promise<void> {
    await this.act('mod:release', { message_id: message.id }, (r) => {
      this.host.patchMessage(message.id, { ...(r.message as ModMessage), held: false, held_reason: null });
      announce(t('mod.releasedDone'));
    });
  }

  /** Keep a held message from members for good, with an optional reason its author is told. */
  async decline(message: ModMessage): Promise<void> {
    const values = await formDialog(
      this.dialogBase(t('mod.declineTitle', { name: message.author.display_name }), t('mod.decline'), [
        { kind: 'text', name: 'reason', label: t('mod.reasonField'), hint: t('mod.declineHint'), maxLength: 200 },
      ]),
      this.host.signal,
    );
    if (!values) return;
    const payload: Record<string, unknown> = { message_id: message.id };
    if (typeof values.reason === 'string' && values.reason !== '') payload.reason = values.reason;
    await this.act('mod:decline', payload, (r) => {
      this.host.patchMessage(message.id, { declined: true, declined_reason: String(r.reason ?? ''), hidden: true });
      announce(t('mod.declinedDone'));
    });
  }

  async pin(message: ModMessage | null): Promise<void> {
    await this.act('mod:pin', { message_id: message?.id ?? null }, (r) => {
      this.host.changed();
      announce(message ? t('mod.pinnedDone') : t('mod.unpinnedDone'));
      // session:updated follows for everyone; the ack's session is applied by the room view too.
      void r;
    });
  }

  /** Report a message (with its author) or a person: category and an optional note. */
  async report(message: ModMessage | null, person: PersonRef | null = null): Promise<void> {
    const about = message ? message.author : person;
    if (!about) return;
    const values = await formDialog(
      {
        title: message ? t('mod.reportMessageTitle', { name: about.display_name }) : t('mod.reportPersonTitle', { name: about.display_name }),
        intro: t('mod.reportIntro'),
        fields: [
          { kind: 'select', name: 'category', label: t('mod.categoryField'), options: REPORT_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) })) },
          { kind: 'textarea', name: 'note', label: t('mod.noteField'), hint: t('mod.noteHint'), maxLength: 1000 },
        ],
        confirmLabel: t('mod.reportSend'),
        cancelLabel: t('room.cancel'),
        invalidText: t('mod.dialogInvalid'),
        testId: 'report-dialog',
      },
      this.host.signal,
    );
    if (!values) return;
    const payload: Record<string, unknown> = { category: values.category };
    if (message) payload.message_id = message.id;
    else payload.user_id = about.id;
    if (typeof values.note === 'string' && values.note !== '') payload.note = values.note;
    await this.act(
      'report:create',
      payload,
      (r) => {
        const mine = r.report as MyReport;
        this.addReportNotice(r.already_reported === true ? t('mod.reportAlready') : t('mod.reportSent'), `report-sent-${mine.id}`);
      },
    );
  }

  private addReportNotice(text: string, testId: string): void {
    const item = h('li', { class: 'notice notice--ok', 'data-testid': testId }, text);
    this.reportNotices.prepend(item);
    while (this.reportNotices.children.length > 5) this.reportNotices.lastElementChild?.remove();
  }

  private async resolve(report: StaffReport): Promise<void> {
    const fields: FormField[] = [{ kind: 'text', name: 'outcome', label: t('mod.outcomeField'), hint: t('mod.outcomeHint'), required: true, maxLength: 500 }];
    const hidden = report.message ? (this.host.messageHidden(report.message.id) ?? report.message.hidden) : false;
    if (hidden) fields.push({ kind: 'checkbox', name: 'unhide', label: t('mod.resolveUnhide') });
    const values = await formDialog(
      { ...this.dialogBase(t('mod.resolveTitle', { name: report.reported.display_name }), t('mod.resolve'), fields), testId: 'resolve-dialog' },
      this.host.signal,
    );
    if (!values) return;
    this.staffAlert.clear();
    try {
      await memberToolsApi.resolveReport(report.id, String(values.outcome), values.unhide === true);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'already_resolved')) {
        this.staffAlert.show(err instanceof ApiError ? err.describe() : t('error.generic'));
        return;
      }
    }
    // Resolving one report of a message resolves all of its open reports.
    for (const r of [...this.reports.values()]) {
      if (r.id === report.id || (report.message && r.message?.id === report.message.id)) this.reports.delete(r.id);
    }
    this.renderReports();
    announce(t('mod.resolvedDone'));
  }

  // ---- Server events --------------------------------------------------------------------------------

  private listen(): void {
    const on = (name: string, handler: (payload: Record<string, unknown>) => void, anyGroup = false): void => {
      this.host.socket.on(name, (payload: Record<string, unknown>) => {
        if (!anyGroup && payload.group_id !== this.host.groupId) return;
        handler(payload);
      });
    };
    on('mod:muted', (p) => {
      if (p.user_id === this.host.myId) {
        this.setMute({ until: (p.until as string | null) ?? null, reason: String(p.reason ?? '') }, true);
        announce(`${t('mod.mutedNotice')} ${t('mod.reasonLabel')} ${String(p.reason ?? '')}`);
      } else if (this.isStaff) void this.loadSanctions();
    });
    on('mod:unmuted', (p) => {
      if (p.user_id === this.host.myId) this.setMute(null, true);
      else if (this.isStaff) void this.loadSanctions();
    });
    on('mod:lifted', (p) => {
      if (p.user_id !== this.host.myId && this.isStaff) void this.loadSanctions();
    });
    on('mod:removed', (p) => {
      if (p.user_id !== this.host.myId) {
        if (this.isStaff) void this.loadSanctions();
        return;
      }
      const reason = String(p.reason ?? '');
      const until = (p.until as string | null) ?? null;
      const what =
        p.kind === 'ban' ? (until ? t('mod.bannedUntil', { time: localText(until) }) : t('mod.bannedForever')) : t('mod.removedNotice');
      this.removalText = reason ? `${what} ${t('mod.reasonLabel')} ${reason}` : what;
      this.host.leave(this.removalText);
    });
    on('message:released', (p) => {
      const m = p.message as ModMessage;
      this.host.patchMessage(Number(p.message_id), { ...m, held: false, held_reason: null });
    });
    on('message:declined', (p) => {
      this.host.patchMessage(Number(p.message_id), { declined: true, declined_reason: String(p.reason ?? ''), hidden: true });
      if (!this.isStaff) announce(t('mod.declinedMine'));
    });
    on('mod:logged', (p) => {
      const entry = p.entry as LogEntry;
      if (entry.action === 'hide' && entry.target_message_id !== null) {
        this.host.patchMessage(entry.target_message_id, { hidden: true, hidden_reason: entry.reason });
      }
    });
    on('report:new', (p) => {
      if (!this.isStaff) return;
      const report = p.report as StaffReport;
      this.reports.set(report.id, report);
      this.renderReports();
      announce(t('mod.reportArrived', { name: report.reported.display_name }));
    });
    on(
      'report:resolved',
      (p) => {
        const outcome = String(p.outcome ?? '');
        const item = h('li', { class: 'notice notice--ok', 'data-testid': 'report-resolved' }, t('mod.reportResolved'), ' ', h('span', { dir: 'auto' }, outcome));
        this.reportNotices.prepend(item);
      },
      true,
    );
  }

  private async act(
    event: string,
    payload: Record<string, unknown>,
    then: (result: Record<string, unknown>) => void,
    // Actions on a message or a person answer beside the composer; the panel's own controls in the panel.
    alert: AlertRegion = this.alert,
  ): Promise<void> {
    alert.clear();
    let result: Ack;
    try {
      result = (await this.host.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, { group_id: this.host.groupId, ...payload })) as Ack;
    } catch {
      alert.show(t('room.sendFailed'));
      return;
    }
    if (!result.ok) {
      alert.show(translateError(result.error.code, result.error.message));
      return;
    }
    then(result);
  }

  private addSanction(sanction: Sanction): void {
    this.sanctions.set(sanction.id, sanction);
    this.render();
    this.host.changed();
  }

  private async loadSanctions(): Promise<void> {
    let result: Ack;
    try {
      result = (await this.host.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('mod:sanctions', { group_id: this.host.groupId })) as Ack;
    } catch {
      return;
    }
    if (!result.ok) return;
    this.sanctions.clear();
    for (const s of result.sanctions as Sanction[]) this.sanctions.set(s.id, s);
    this.renderSanctions();
    this.host.changed();
  }

  /** The hub's open queue for this group: reports made while no facilitator was here wait there. */
  private async loadReports(): Promise<void> {
    try {
      if (this.hubId === null) this.hubId = (await memberApi.group(this.host.groupId, this.host.signal)).hub.id;
      const open = await memberToolsApi.hubReports(this.hubId, this.host.signal);
      for (const r of open) if (r.group_id === this.host.groupId) this.reports.set(r.id, r);
      this.renderReports();
    } catch {
      // Reports still arrive live; the hub's queue is on the admin pages.
    }
  }

  /** Whether a person has a mute in force (facilitators: for the person's options). */
  isMuted(userId: number): boolean {
    return [...this.sanctions.values()].some((s) => s.kind === 'mute' && s.user.id === userId);
  }

  dispose(): void {
    this.muteCountdown.stop();
    this.slowCountdown.stop();
  }
}
