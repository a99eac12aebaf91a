/**
 * Session tools beside the chat (docs/protocol.md, "Running a session"): hands up and the turn, one voice at
 * a time, taking a break, private words, and for facilitators the backchannel and newcomers.
 *
 * Members see their own hand, break and private word; facilitators see the queue, give the turn, and talk in
 * the backchannel. The server never sends a member the backchannel or anyone else's private word; this panel
 * only shows what arrives.
 */

import type { Socket } from 'socket.io-client';

import { announce, append, h, replaceChildren } from '../dom';
import { AlertRegion } from '../forms';
import { t, translateError } from '../i18n';
import { timeElement } from '../time';
import type { ErrorBody, Session } from '../types';

export interface Hand {
  user_id: number;
  display_name: string;
  raised_at: string;
}

export interface SideMessage {
  id: number;
  session_id: number;
  channel: 'backchannel' | 'private';
  member_id: number | null;
  author: { id: number; display_name: string; role: string };
  body: string;
  created_at: string;
}

export interface PrivateWord {
  session_id: number;
  member: { id: number; display_name: string };
  requested_at: string | null;
  opened_at: string | null;
}

/** What the `room:join` answer carries for these tools (absent when no session runs). */
export interface ToolsSnapshot {
  hands?: Hand[] | undefined;
  staff?:
    | { backchannel: SideMessage[]; private_words: PrivateWord[]; private_messages: SideMessage[]; newcomers: number[] }
    | undefined;
  mine?: { private_word: PrivateWord | null; private_messages: SideMessage[] } | undefined;
}

type Ack = ({ ok: true } & Record<string, unknown>) | { ok: false; error: ErrorBody };

function newId(): string {
  return crypto.getRandomValues(new Uint32Array(4)).join('-');
}

export class SessionTools {
  readonly el: HTMLElement;
  private readonly alert = new AlertRegion();
  private readonly memberPart = h('div', { class: 'tools__member' });
  private readonly staffPart = h('div', { class: 'tools__staff' });
  private readonly handsList = h('ol', { class: 'tools__hands', 'data-testid': 'hands-queue' });
  private readonly handButton = h('button', { type: 'button', class: 'button', 'aria-pressed': 'false', 'data-testid': 'hand-toggle' });
  private readonly breakButton = h('button', { type: 'button', class: 'button', 'aria-pressed': 'false', 'data-testid': 'break-toggle' });
  private readonly privateButton = h('button', { type: 'button', class: 'button', 'data-testid': 'private-request' }, t('tools.askPrivate'));
  private readonly privateState = h('p', { class: 'muted', role: 'status', 'data-testid': 'private-state' });
  private readonly oneVoice = h('input', { type: 'checkbox', 'data-testid': 'one-voice' });
  private readonly newcomersList = h('ul', { class: 'tools__newcomers', 'data-testid': 'newcomers' });
  private readonly requestsList = h('ul', { class: 'tools__requests', 'data-testid': 'private-requests' });
  private readonly threads = h('div', { class: 'tools__threads' });
  private readonly backchannelLog = h('ol', { class: 'side-log', 'data-testid': 'backchannel-log' });
  private readonly backchannelForm: HTMLFormElement;

  private role: string | null = null;
  private session: Session | null = null;
  private hands: Hand[] = [];
  private raised = false;
  private away = false;
  private newcomers = new Map<number, string>();
  private words = new Map<number, PrivateWord>();
  private privateMessages = new Map<number, SideMessage[]>();
  private seen = new Set<number>();
  private readonly threadViews = new Map<number, HTMLOListElement>();

  constructor(
    private readonly socket: Socket,
    private readonly groupId: number,
    private readonly myId: number | null,
  ) {
    this.backchannelForm = this.composer('backchannel', (body) => this.emit('backchannel:send', { body, client_id: newId() }));
    this.el = h(
      'section',
      { class: 'tools', 'aria-labelledby': 'tools-heading', hidden: true, 'data-testid': 'session-tools' },
      h('h2', { id: 'tools-heading' }, t('tools.heading')),
      this.alert.el,
      h('h3', null, t('tools.handsHeading')),
      this.handsList,
      this.memberPart,
      this.staffPart,
    );
    this.handButton.addEventListener('click', () => void this.emit('hand:set', { raised: !this.raised }, (r) => this.setRaised(Boolean(r.raised))));
    this.breakButton.addEventListener('click', () => void this.emit('break:set', { away: !this.away }, (r) => this.setAway(Boolean(r.away))));
    this.privateButton.addEventListener('click', () => void this.emit('private:request', {}, (r) => this.applyWord(r.private_word as PrivateWord)));
    this.oneVoice.addEventListener('change', () => void this.emit('session:one_voice', { on: this.oneVoice.checked }));
    append(
      this.memberPart,
      h('div', { class: 'tools__buttons' }, this.handButton, this.breakButton, this.privateButton),
      this.privateState,
    );
    append(
      this.staffPart,
      h('p', null, h('label', null, this.oneVoice, ' ', t('tools.oneVoice'))),
      h('h3', null, t('tools.newcomersHeading')),
      this.newcomersList,
      h('h3', null, t('tools.privateHeading')),
      this.requestsList,
      h('h3', { id: 'backchannel-heading' }, t('tools.backchannelHeading')),
      h('p', { class: 'muted' }, t('tools.backchannelNote')),
      h('div', { role: 'log', 'aria-live': 'polite', 'aria-labelledby': 'backchannel-heading' }, this.backchannelLog),
      this.backchannelForm,
    );
    append(this.el, this.threads);
    this.listen();
    this.render();
  }

  /** A fresh `room:join` answer: who I am here, and the tools' state. */
  applyJoin(role: string, session: Session | null, snapshot: ToolsSnapshot): void {
    this.role = role;
    this.session = session;
    this.hands = snapshot.hands ?? [];
    this.raised = this.hands.some((hand) => hand.user_id === this.myId);
    this.words.clear();
    this.privateMessages.clear();
    this.seen.clear();
    this.threadViews.clear();
    replaceChildren(this.threads);
    replaceChildren(this.backchannelLog);
    if (snapshot.staff) {
      for (const word of snapshot.staff.private_words) this.words.set(word.member.id, word);
      for (const message of snapshot.staff.private_messages) this.addPrivate(message);
      for (const message of snapshot.staff.backchannel) this.addBackchannel(message);
      this.newcomers = new Map(snapshot.staff.newcomers.map((id) => [id, this.newcomers.get(id) ?? '']));
    }
    if (snapshot.mine) {
      if (snapshot.mine.private_word) this.words.set(snapshot.mine.private_word.member.id, snapshot.mine.private_word);
      for (const message of snapshot.mine.private_messages) this.addPrivate(message);
    }
    this.render();
  }

  applySession(session: Session | null): void {
    this.session = session;
    this.render();
  }

  /** Names of newcomers, from who is here (the newcomer list holds ids). */
  applyPresence(present: { user_id: number; display_name: string; away?: boolean }[]): void {
    for (const person of present) {
      if (this.newcomers.has(person.user_id)) this.newcomers.set(person.user_id, person.display_name);
      if (person.user_id === this.myId) this.away = Boolean(person.away);
    }
    this.render();
  }

  /** A note for the composer when one voice is on and it is not my turn (empty otherwise). */
  composerNote(): string {
    const s = this.session;
    if (!s || !s.one_voice || this.role === 'facilitator' || s.turn_user_id === this.myId) return '';
    return t('tools.waitForTurn');
  }

  private listen(): void {
    const on = (name: string, handler: (payload: Record<string, unknown>) => void): void => {
      this.socket.on(name, (payload: Record<string, unknown>) => {
        if (payload.group_id !== this.groupId) return;
        handler(payload);
      });
    };
    on('hands:update', (p) => {
      this.hands = p.queue as Hand[];
      this.raised = this.hands.some((hand) => hand.user_id === this.myId);
      this.render();
    });
    on('backchannel:new', (p) => this.addBackchannel(p.message as SideMessage));
    on('private:new', (p) => {
      const message = p.message as SideMessage;
      this.addPrivate(message);
      if (message.author.id !== this.myId) announce(t('tools.privateArrived', { name: message.author.display_name }));
      this.render();
    });
    on('private:updated', (p) => {
      const word = p.private_word as PrivateWord;
      this.applyWord(word);
      if (this.role === 'facilitator' && !word.opened_at) announce(t('tools.privateAsked', { name: word.member.display_name }));
    });
    on('newcomer:arrived', (p) => {
      this.newcomers.set(p.user_id as number, p.display_name as string);
      announce(t('tools.newcomerArrived', { name: p.display_name as string }));
      this.render();
    });
  }

  private emit(event: string, payload: Record<string, unknown>, then?: (result: Record<string, unknown>) => void): void {
    this.alert.clear();
    this.socket.timeout(10_000).emit(event, { group_id: this.groupId, ...payload }, (err: Error | null, result: Ack) => {
      if (err) {
        this.alert.show(t('room.sendFailed'));
        return;
      }
      if (!result.ok) {
        this.alert.show(translateError(result.error.code, result.error.message));
        return;
      }
      then?.(result);
    });
  }

  private setRaised(raised: boolean): void {
    this.raised = raised;
    announce(raised ? t('tools.handRaised') : t('tools.handLowered'));
    this.render();
  }

  private setAway(away: boolean): void {
    this.away = away;
    announce(away ? t('tools.onBreak') : t('tools.back'));
    this.render();
  }

  private applyWord(word: PrivateWord): void {
    this.words.set(word.member.id, word);
    this.render();
  }

  private addBackchannel(message: SideMessage): void {
    if (this.seen.has(message.id)) return;
    this.seen.add(message.id);
    append(this.backchannelLog, this.line(message));
  }

  private addPrivate(message: SideMessage): void {
    if (this.seen.has(message.id) || message.member_id === null) return;
    this.seen.add(message.id);
    const list = this.privateMessages.get(message.member_id) ?? [];
    list.push(message);
    this.privateMessages.set(message.member_id, list);
    const log = this.threadViews.get(message.member_id);
    if (log) append(log, this.line(message));
  }

  private line(message: SideMessage): HTMLLIElement {
    return h(
      'li',
      { class: 'side-log__item' },
      h('span', { class: 'side-log__author', dir: 'auto' }, message.author.display_name),
      ' ',
      timeElement(message.created_at),
      h('p', { class: 'side-log__body', dir: 'auto' }, message.body),
    );
  }

  private composer(kind: string, send: (body: string) => void): HTMLFormElement {
    const label = kind === 'backchannel' ? t('tools.backchannelLabel') : t('tools.privateLabel');
    const text = h('textarea', { rows: 2, 'aria-label': label, 'data-testid': `${kind}-input` });
    const form = h(
      'form',
      { class: 'side-form' },
      text,
      h('button', { type: 'submit', class: 'button', 'data-testid': `${kind}-send` }, t('tools.send')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (text.value.trim() === '') return;
      send(text.value);
      text.value = '';
    });
    return form;
  }

  private render(): void {
    const running = this.session !== null && (this.session.status === 'live' || this.session.status === 'paused');
    this.el.hidden = !running || this.role === null;
    const facilitator = this.role === 'facilitator';
    this.memberPart.hidden = facilitator;
    this.staffPart.hidden = !facilitator;

    const turn = this.session?.turn_user_id ?? null;
    replaceChildren(
      this.handsList,
      this.hands.length === 0
        ? h('li', { class: 'muted' }, t('tools.noHands'))
        : this.hands.map((hand) =>
            h(
              'li',
              null,
              h('span', { dir: 'auto' }, hand.display_name),
              facilitator
                ? [' ', h('button', { type: 'button', class: 'button button--small', onclick: () => this.emit('turn:give', { user_id: hand.user_id }) }, t('tools.giveTurn', { name: hand.display_name }))]
                : null,
            ),
          ),
    );
    if (facilitator && turn !== null) {
      append(
        this.handsList,
        h('li', null, t('tools.hasTurn'), ' ', h('button', { type: 'button', class: 'button button--small', 'data-testid': 'take-turn-back', onclick: () => this.emit('turn:give', { user_id: null }) }, t('tools.takeTurnBack'))),
      );
    }

    this.handButton.textContent = this.raised ? t('tools.lowerHand') : t('tools.raiseHand');
    this.handButton.setAttribute('aria-pressed', String(this.raised));
    this.breakButton.textContent = this.away ? t('tools.imBack') : t('tools.takeBreak');
    this.breakButton.setAttribute('aria-pressed', String(this.away));
    this.oneVoice.checked = Boolean(this.session?.one_voice);

    const mine = this.myId !== null ? this.words.get(this.myId) : undefined;
    this.privateButton.hidden = facilitator || Boolean(mine?.opened_at);
    this.privateState.textContent = !mine ? '' : mine.opened_at ? t('tools.privateOpen') : t('tools.privateWaiting');

    replaceChildren(
      this.newcomersList,
      this.newcomers.size === 0
        ? h('li', { class: 'muted' }, t('tools.noNewcomers'))
        : [...this.newcomers.entries()].map(([id, name]) => h('li', { 'data-user-id': id, dir: 'auto' }, name || t('tools.someone'))),
    );
    const waiting = [...this.words.values()].filter((word) => !word.opened_at);
    replaceChildren(
      this.requestsList,
      waiting.length === 0
        ? h('li', { class: 'muted' }, t('tools.noRequests'))
        : waiting.map((word) =>
            h(
              'li',
              null,
              h('span', { dir: 'auto' }, word.member.display_name),
              ' ',
              h('button', { type: 'button', class: 'button button--small', 'data-testid': `private-open-${word.member.id}`, onclick: () => this.emit('private:open', { member_id: word.member.id }, (r) => this.applyWord(r.private_word as PrivateWord)) }, t('tools.openPrivate', { name: word.member.display_name })),
            ),
          ),
    );
    this.renderThreads(facilitator);
  }

  /** One section per open private word, made once and kept, so that a half-typed reply survives renders. */
  private renderThreads(facilitator: boolean): void {
    const open = [...this.words.values()].filter((word) => word.opened_at && (facilitator || word.member.id === this.myId));
    for (const word of open) {
      if (this.threadViews.has(word.member.id)) continue;
      const memberId = word.member.id;
      const heading = facilitator ? t('tools.threadWith', { name: word.member.display_name }) : t('tools.threadMine');
      const log = h(
        'ol',
        { class: 'side-log', 'data-testid': `private-log-${memberId}` },
        (this.privateMessages.get(memberId) ?? []).map((m) => this.line(m)),
      );
      const form = this.composer(`private-${memberId}`, (body) =>
        this.emit('private:send', { body, client_id: newId(), ...(facilitator ? { member_id: memberId } : {}) }),
      );
      const section = h(
        'section',
        { class: 'tools__thread', 'aria-label': heading },
        h('h3', { dir: 'auto' }, heading),
        h('div', { role: 'log', 'aria-live': 'polite', 'aria-label': heading }, log),
        form,
      );
      this.threadViews.set(memberId, log);
      append(this.threads, section);
    }
  }
}
