/**
 * Safeguarding in the room (docs/protocol.md, "Safeguarding"; docs/safeguarding.md).
 *
 * Members: "I need help now" is always shown (muted, paused, locked or out of turn alike) and opens a private
 * panel with the hub's crisis lines and a way to talk to a facilitator; the same panel, worded gently, comes
 * when risk detection rated their own message (`support:offer`): it never blocks or hides the message.
 * "I'm worried about this person" sits on a person and on a message's options, beside (not instead of) Report.
 *
 * Facilitators: `message:risk` marks the message with its tier and why; concerns raised in this room
 * (`concern:new`, `concern:escalated`, `concern:updated`) list in an alert panel with Acknowledge and a note;
 * "Raise a concern" on a person or a message.
 */

import type { Socket } from 'socket.io-client';

import { describeError } from '../api';
import { safeguardingApi } from '../api_safeguarding';
import { announce, h, replaceChildren } from '../dom';
import { AlertRegion, busy, isBusy, StatusRegion } from '../forms';
import { t, tIsolated, translateError } from '../i18n';
import { hrefFor } from '../router';
import { byUrgency, Clocks, concernWords, localDeadline, sourceLabel, stateLabel, tierBadge, tierLabel } from '../safeguarding_parts';
import { timeElement } from '../time';
import type { ErrorBody, Present } from '../types';
import type { Concern, ConcernNews, CrisisLine, MessageRisk, SupportOffer } from '../types_safeguarding';
import { crisisLineList } from '../views/crisis';
import { formDialog } from './form_dialog';
import type { ModMessage } from './mod_types';

const ACK_TIMEOUT_MS = 10_000;

type Ack = ({ ok: true } & Record<string, unknown>) | { ok: false; error: ErrorBody };

export interface SafeguardingHost {
  socket: Socket;
  groupId: number;
  myId: number | null;
  signal: AbortSignal;
  /** Draw a message again (its risk marker arrived). */
  redraw(messageId: number): void;
  /** The session tools' "ask for a private word" button when the room offers one now (../room/tools.ts). */
  privateWord(): HTMLButtonElement | null;
}

interface PersonRef {
  id: number;
  display_name: string;
}

export class RoomSafeguarding {
  /** Shown to everyone near the top of the room: the help button, its private panel, confirmations. */
  readonly el: HTMLElement;
  /** Facilitators only: the concerns raised in this room. */
  readonly staffEl: HTMLElement;

  private role: string | null = null;
  private readonly helpButton = h('button', { type: 'button', class: 'button button--help', 'data-testid': 'help-now', 'aria-describedby': 'help-now-hint' }, t('sg.helpNow'));
  private readonly panel = h('section', { class: 'support-panel', 'aria-labelledby': 'support-heading', 'data-testid': 'support-panel', hidden: true });
  private readonly panelAlert = new AlertRegion();
  private readonly status = new StatusRegion('notice--success');
  private readonly alert = new AlertRegion();
  private readonly risks = new Map<number, MessageRisk>();
  private readonly concerns = new Map<number, { concern: Concern; deadline: number | null }>();
  private readonly seenKeys = new Set<string>();
  private readonly concernList = h('ul', { class: 'room-concerns__list', 'data-testid': 'room-concern-list' });
  private readonly staffAlert = new AlertRegion();
  private readonly staffNews = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  private readonly clocks = new Clocks();

  constructor(private readonly host: SafeguardingHost) {
    this.helpButton.addEventListener('click', () => void this.helpNow());
    this.el = h(
      'section',
      { class: 'help-now', 'aria-labelledby': 'help-now-heading' },
      h('h2', { id: 'help-now-heading', class: 'visually-hidden' }, t('sg.helpHeading')),
      h('div', { class: 'help-now__row' }, this.helpButton, h('p', { id: 'help-now-hint', class: 'hint help-now__hint' }, t('sg.helpNowHint'))),
      this.alert.el,
      this.status.el,
      this.panel,
    );
    this.staffEl = h(
      'section',
      { class: 'room-concerns', 'aria-labelledby': 'room-concerns-heading', 'data-testid': 'room-concerns', hidden: true },
      h('h2', { id: 'room-concerns-heading' }, t('sg.roomConcernsHeading')),
      h('p', { class: 'hint' }, t('sg.roomConcernsIntro')),
      this.staffAlert.el,
      this.concernList,
      this.staffNews,
    );
    const s = host.socket;
    s.on('support:offer', (p: SupportOffer) => {
      if (p.group_id !== host.groupId) return;
      this.showPanel('offer', p.crisis_lines, false);
      announce(t('sg.offerAnnounced'));
    });
    s.on('message:risk', (p: MessageRisk) => {
      if (p.group_id !== host.groupId) return;
      this.risks.set(p.message_id, p);
      host.redraw(p.message_id);
    });
    s.on('concern:new', (p: ConcernNews) => this.news(p, 'new'));
    s.on('concern:escalated', (p: ConcernNews) => this.news(p, 'escalated'));
    s.on('concern:updated', (p: ConcernNews) => this.news(p, 'updated'));
  }

  get isStaff(): boolean {
    return this.role === 'facilitator';
  }

  /** On (re)entering: the role, and for facilitators the room's open concerns from the join snapshot. */
  applyJoin(role: string | null, open: Concern[] = []): void {
    this.role = role;
    for (const concern of open) {
      const known = this.concerns.get(concern.id);
      if (!known || concern.updated_at >= known.concern.updated_at) this.concerns.set(concern.id, { concern, deadline: localDeadline(concern) });
    }
    this.renderConcerns();
  }

  dispose(): void {
    this.clocks.dispose();
    for (const event of ['support:offer', 'message:risk', 'concern:new', 'concern:escalated', 'concern:updated']) this.host.socket.off(event);
  }

  // ---- Members: help now and the private panel ------------------------------------------------------

  private async helpNow(): Promise<void> {
    if (isBusy(this.helpButton)) return;
    this.alert.clear();
    const restore = busy(this.helpButton, t('sg.helpSending'));
    const result = await this.emit('concern:help', {});
    restore();
    if (!result.ok) {
      // Whatever went wrong, the person still gets somewhere to turn.
      this.showPanel('failed', [], true);
      this.panelAlert.show(translateError(result.error.code, result.error.message));
      return;
    }
    this.showPanel('told', (result.crisis_lines as CrisisLine[] | undefined) ?? [], true);
  }

  private showPanel(kind: 'told' | 'offer' | 'failed', lines: readonly CrisisLine[], focus: boolean): void {
    const heading = h('h3', { id: 'support-heading', tabindex: '-1' }, t('sg.panelHeading'));
    const talkState = h('p', { role: 'status', 'data-testid': 'talk-state' });
    const talk = h('button', { type: 'button', class: 'button button--primary', 'data-testid': 'talk-now' }, t('sg.talkNow'));
    talk.addEventListener('click', () => void this.talkNow(talk, talkState));
    const close = h('button', { type: 'button', class: 'button button--quiet', 'data-testid': 'support-dismiss' }, t('sg.dismiss'));
    close.addEventListener('click', () => {
      this.panel.hidden = true;
      this.panel.replaceChildren();
      this.helpButton.focus();
    });
    this.panelAlert.clear();
    replaceChildren(
      this.panel,
      heading,
      h('p', { class: 'hint' }, t('sg.panelPrivate')),
      kind === 'told' ? h('p', { 'data-testid': 'support-told' }, t('sg.panelTold')) : null,
      kind === 'offer' ? h('p', { 'data-testid': 'support-offer' }, t('sg.panelOffer')) : null,
      this.panelAlert.el,
      h('h4', null, t('sg.linesHeading')),
      h('p', null, t('sg.linesEmergency')),
      lines.length > 0 ? crisisLineList(lines, 'h4') : h('p', null, h('a', { href: hrefFor('/help') }, t('app.footerHelpLink'))),
      // Told already: a private word, when the room has one now, is the way to talk; otherwise the statement.
      h('div', { class: 'actions' }, kind !== 'told' || this.host.privateWord() !== null ? talk : null, close),
      talkState,
    );
    this.panel.hidden = false;
    // Focus moves only when the person asked for this; an offer never takes them away from what they write.
    if (focus) heading.focus();
  }

  private async talkNow(button: HTMLButtonElement, state: HTMLElement): Promise<void> {
    if (isBusy(button)) return;
    const word = this.host.privateWord();
    if (word) {
      word.click();
      state.textContent = t('sg.talkAsked');
      return;
    }
    const restore = busy(button, t('sg.helpSending'));
    const result = await this.emit('concern:help', {});
    restore();
    if (!result.ok) {
      this.panelAlert.show(translateError(result.error.code, result.error.message));
      return;
    }
    state.textContent = t('sg.talkTold');
  }

  // ---- Worried, and facilitators' concerns -----------------------------------------------------------

  /** Buttons for a person's options (none for oneself). */
  personItems(person: Present): HTMLButtonElement[] {
    if (this.host.myId === null || person.user_id === this.host.myId) return [];
    const ref = { id: person.user_id, display_name: person.display_name };
    if (this.isStaff) {
      if (person.role === 'facilitator') return [];
      return [this.button(t('sg.raise'), 'raise-concern', () => void this.raiseDialog(ref, null))];
    }
    return [this.button(t('sg.worried'), 'worried-person', () => void this.worriedDialog(ref, null))];
  }

  /** A person's options (a <details> from ../room/moderation.ts) with ours added; for oneself, none. */
  withPersonItems(options: HTMLElement | null, person: Present): HTMLElement | null {
    const items = this.personItems(person);
    if (options && items.length > 0) options.querySelector('.message__option-list')?.append(...items);
    return options;
  }

  /** Add ours to a drawn message: the risk marker (staff) and the options' worried / raise button. */
  decorateMessage(li: HTMLLIElement, m: ModMessage): void {
    const mine = this.host.myId !== null && m.author.id === this.host.myId;
    const risk = this.risks.get(m.id);
    if (this.isStaff && risk && risk.tier !== 'none') li.querySelector('.message__meta')?.after(this.riskMarker(risk));
    if (mine || m.author.role !== 'member' || m.hidden || m.declined) return;
    const list = li.querySelector('.message__option-list');
    if (!list) return;
    const ref = { id: m.author.id, display_name: m.author.display_name };
    list.append(
      this.isStaff
        ? this.button(t('sg.raise'), 'raise-concern-message', () => void this.raiseDialog(ref, m.id))
        : this.button(t('sg.worriedAbout', { name: m.author.display_name }), 'worried-message', () => void this.worriedDialog(ref, m.id)),
    );
  }

  private riskMarker(risk: MessageRisk): HTMLElement {
    const matches = risk.matches.map((x) => h('li', null, tIsolated('sg.riskWhy', { phrase: x.phrase, why: x.why })));
    return h(
      'div',
      { class: `message__marker message__marker--risk message__marker--risk-${risk.tier}`, 'data-testid': 'risk-marker', 'data-tier': risk.tier },
      h('p', null, h('strong', null, t('sg.riskMarker', { tier: tierLabel(risk.tier) })), ' ', h('span', { dir: 'auto' }, risk.explanation)),
      matches.length > 0 ? h('ul', { class: 'risk__matches' }, matches) : null,
    );
  }

  private button(label: string, testId: string, run: () => void): HTMLButtonElement {
    return h('button', { type: 'button', class: 'button button--small', 'data-testid': testId, onclick: run }, label);
  }

  private async worriedDialog(person: PersonRef, messageId: number | null): Promise<void> {
    const values = await formDialog(
      {
        title: t('sg.worriedTitle', { name: person.display_name }),
        intro: t('sg.worriedIntro', { name: person.display_name }),
        fields: [{ kind: 'textarea', name: 'note', label: t('sg.worriedNote'), hint: t('sg.worriedNoteHint'), maxLength: 4000 }],
        confirmLabel: t('sg.worriedSend'),
        cancelLabel: t('room.cancel'),
        invalidText: t('sg.dialogInvalid'),
        testId: 'worried-dialog',
      },
      this.host.signal,
    );
    if (!values) return;
    const payload: Record<string, unknown> = { user_id: person.id };
    if (messageId !== null) payload.message_id = messageId;
    if (typeof values.note === 'string' && values.note !== '') payload.note = values.note;
    this.alert.clear();
    this.status.clear();
    const result = await this.emit('concern:worried', payload);
    if (!result.ok) {
      this.alert.show(translateError(result.error.code, result.error.message));
      return;
    }
    this.status.show(h('span', { 'data-testid': 'worried-done' }, t('sg.worriedDone', { name: person.display_name })));
  }

  private async raiseDialog(person: PersonRef, messageId: number | null): Promise<void> {
    const values = await formDialog(
      {
        title: t('sg.raiseTitle', { name: person.display_name }),
        intro: t('sg.raiseIntro'),
        fields: [
          {
            kind: 'select',
            name: 'tier',
            label: t('sg.tierField'),
            options: (['high', 'imminent', 'concern'] as const).map((tier) => ({ value: tier, label: tierLabel(tier) })),
          },
          { kind: 'textarea', name: 'note', label: t('sg.noteField'), hint: t('sg.noteHint'), maxLength: 4000 },
        ],
        confirmLabel: t('sg.raiseSend'),
        cancelLabel: t('room.cancel'),
        invalidText: t('sg.dialogInvalid'),
        testId: 'raise-dialog',
      },
      this.host.signal,
    );
    if (!values) return;
    const payload: Record<string, unknown> = { user_id: person.id, tier: values.tier };
    if (messageId !== null) payload.message_id = messageId;
    if (typeof values.note === 'string' && values.note !== '') payload.note = values.note;
    this.staffAlert.clear();
    this.status.clear();
    const result = await this.emit('concern:raise', payload);
    if (!result.ok) {
      this.alert.show(translateError(result.error.code, result.error.message));
      return;
    }
    this.status.show(h('span', { 'data-testid': 'raised-done' }, t('sg.raisedDone', { name: person.display_name })));
    const concern = result.concern as Concern | undefined;
    if (concern) this.upsert(concern);
  }

  // ---- Facilitators: this room's concerns ------------------------------------------------------------

  private news(p: ConcernNews, kind: 'new' | 'escalated' | 'updated'): void {
    const concern = p.concern;
    if (!this.isStaff || concern.group_id !== this.host.groupId) return;
    if (p.key) {
      // A delivery may come again (docs/protocol.md): the same key is the same news.
      if (this.seenKeys.has(p.key)) return;
      this.seenKeys.add(p.key);
    }
    const known = this.concerns.get(concern.id);
    if (known && concern.updated_at < known.concern.updated_at) return;
    this.upsert(concern);
    const words = concernWords(concern);
    if (kind === 'new' && !known) {
      if (concern.tier === 'imminent') this.staffAlert.show(t('sg.newConcernUrgent', words));
      else this.staffNews.textContent = t('sg.newConcern', words);
    } else if (kind === 'escalated') {
      this.staffAlert.show(t('sg.escalatedNews', { ...words, level: p.level ?? concern.escalation_level }));
    }
  }

  private upsert(concern: Concern): void {
    this.concerns.set(concern.id, { concern, deadline: localDeadline(concern) });
    this.renderConcerns();
  }

  private renderConcerns(): void {
    this.staffEl.hidden = !this.isStaff || this.concerns.size === 0;
    if (this.staffEl.hidden) return;
    // Keep a half-written note and the focus where they are across redraws.
    const notes = new Map<string, string>();
    for (const input of this.concernList.querySelectorAll<HTMLTextAreaElement>('textarea')) notes.set(input.name, input.value);
    const focused = document.activeElement instanceof HTMLElement && this.concernList.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = focused ? `${focused.closest('li')?.dataset.concernId ?? ''}/${focused.dataset.testid ?? ''}` : null;
    const items = [...this.concerns.values()].sort((a, b) => byUrgency(a.concern, b.concern)).map(({ concern, deadline }) => this.concernItem(concern, deadline, notes));
    replaceChildren(this.concernList, items);
    this.clocks.prune();
    if (focusKey) {
      const [id, testId] = focusKey.split('/');
      const row = this.concernList.querySelector<HTMLElement>(`li[data-concern-id="${id ?? ''}"]`);
      (row?.querySelector<HTMLElement>(`[data-testid="${testId ?? ''}"]`) ?? row?.querySelector<HTMLElement>('button'))?.focus();
    }
  }

  private concernItem(concern: Concern, deadline: number | null, notes: Map<string, string>): HTMLLIElement {
    const noteName = `concern-note-${concern.id}`;
    const note = h('textarea', { name: noteName, id: noteName, rows: 2, maxlength: 4000, dir: 'auto', 'data-testid': 'concern-note' });
    note.value = notes.get(noteName) ?? '';
    const alert = new AlertRegion();
    const done = new StatusRegion('notice--success');
    const raised = concern.state === 'raised';
    const act = h('button', { type: 'button', class: `button ${raised ? 'button--primary' : ''}`.trim(), 'data-testid': raised ? 'concern-ack' : 'concern-add-note' }, raised ? t('sg.acknowledge') : t('sg.addNote'));
    act.addEventListener('click', async () => {
      if (isBusy(act)) return;
      alert.clear();
      const text = note.value.trim();
      if (!raised && text === '') {
        alert.show(t('sg.noteRequired'));
        note.focus();
        return;
      }
      const restore = busy(act, raised ? t('sg.acknowledging') : t('sg.addingNote'));
      try {
        const updated = await safeguardingApi.act(concern.id, raised ? 'acknowledge' : 'notes', text);
        restore();
        note.value = '';
        notes.delete(noteName);
        this.upsert(updated);
        announce(raised ? t('sg.acknowledgedDone') : t('sg.noteAdded'));
      } catch (err) {
        restore();
        alert.show(describeError(err));
      }
    });
    const level = concern.escalation_level > 0 ? h('span', { class: 'badge badge--level', 'data-testid': 'concern-level' }, t('sg.level', { level: concern.escalation_level })) : null;
    return h(
      'li',
      { class: `room-concern room-concern--${concern.tier}`, 'data-testid': 'room-concern', 'data-concern-id': concern.id, 'data-state': concern.state },
      h(
        'p',
        { class: 'room-concern__head' },
        tierBadge(concern.tier),
        ' ',
        h('span', { dir: 'auto', class: 'room-concern__who' }, concern.subject?.pseudonym ?? t('sg.someone')),
        ' · ',
        sourceLabel(concern.source),
        ' · ',
        h('span', { 'data-testid': 'concern-state' }, stateLabel(concern.state)),
        level ? ' ' : null,
        level,
      ),
      concern.explanation ? h('p', { dir: 'auto', class: 'hint' }, concern.explanation) : null,
      h('p', { class: 'hint' }, t('sg.raisedAt'), ' ', timeElement(concern.created_at)),
      this.clocks.make(concern, deadline),
      concern.state === 'resolved'
        ? null
        : h('div', { class: 'field' }, h('label', { for: noteName }, raised ? t('sg.noteOptional') : t('sg.noteField')), note, h('div', { class: 'actions' }, act)),
      alert.el,
      done.el,
    );
  }

  private async emit(event: string, payload: Record<string, unknown>): Promise<Ack> {
    try {
      return (await this.host.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, { group_id: this.host.groupId, ...payload })) as Ack;
    } catch {
      return { ok: false, error: { code: 'network', message: t('room.sendFailed') } };
    }
  }
}
