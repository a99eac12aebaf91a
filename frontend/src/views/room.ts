/**
 * A group's live room over Socket.IO (namespace /chat, docs/protocol.md): session banner, who is here,
 * the message log, the composer, typing indicators and the facilitator's session controls; moderation and
 * members' own tools (../room/moderation.ts, ../room/message_view.ts): hidden and held messages, blocks,
 * muted words, content notes, reports, the pinned message and the personal-details prompt.
 */

import { io, type Socket } from 'socket.io-client';

import { api, describeError, notifyUnauthenticated } from '../api';
import { memberApi } from '../api_member';
import { confirmDialog } from '../dialog';
import { announce, append, h, replaceChildren } from '../dom';
import { addDescribedBy, AlertRegion, busy, isBusy } from '../forms';
import { isMessageKey, t, tCount, tIsolated, translateError } from '../i18n';
import { meetingText } from '../meetings';
import { blockedFromJoin } from '../room/filters';
import { renderMessage, type MessageViewContext } from '../room/message_view';
import type { ModJoin, ModMessage, ModSession } from '../room/mod_types';
import { ModerationTools } from '../room/moderation';
import { RoomSafeguarding } from '../room/safeguarding';
import { MessageStore } from '../room/store';
import { SessionTools } from '../room/tools';
import { IncomingTyping, OutgoingTyping } from '../room/typing';
import { hrefFor, navigate, type Cleanup, type ViewContext } from '../router';
import { getUser, setFlash } from '../state';
import { localText, timeElement } from '../time';
import type {
  ClientToServerEvents,
  ErrorBody,
  Message,
  Present,
  RoomLimits,
  RoomRole,
  ServerToClientEvents,
} from '../types';
import type { NextSession } from '../types_member';
import type { Concern } from '../types_safeguarding';

/**
 * The server's default message limit (docs/protocol.md: message_too_long), used until the `room:join` ack
 * says what the server actually enforces (`limits.max_message_chars`).
 */
export const DEFAULT_MAX_MESSAGE_CHARS = 4000;
/** How long the message log stays silent after messages are added in bulk. */
const QUIET_MS = 300;
const ACK_TIMEOUT_MS = 10_000;
const HISTORY_PAGE = 50;
const CATCH_UP_PAGE = 200;
/** Join errors that reconnecting cannot fix. */
const FATAL_JOIN_ERRORS = new Set([
  'not_found',
  'not_member',
  'agreement_required',
  'forbidden',
  'invalid_payload',
  'banned',
  'removed_from_session',
]);

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type PayloadOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends keyof ClientToServerEvents> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/** Characters as the server counts them (code points, not UTF-16 units). */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** The message limit from a `room:join` ack's `limits`, or the default when absent or not usable. */
export function maxMessageChars(limits: RoomLimits | undefined | null): number {
  const value = limits?.max_message_chars;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : DEFAULT_MAX_MESSAGE_CHARS;
}

/** A UUID for `client_id`; crypto.randomUUID needs a secure context, so fall back to getRandomValues. */
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** "a phone number and an email address", from a `personal_details_confirm` refusal's `found`. */
function personalDetailsText(found: unknown): string {
  const kinds = Array.isArray(found) ? found.filter((k): k is string => typeof k === 'string') : [];
  const named = kinds.map((kind) => {
    const key = `mod.personal.${kind}`;
    return isMessageKey(key) ? t(key) : t('mod.personalSomething');
  });
  const unique = [...new Set(named)];
  return unique.length === 0 ? t('mod.personalSomething') : unique.join(t('mod.personalAnd'));
}

function facilitatorBadge(): HTMLSpanElement {
  return h('span', { class: 'badge badge--facilitator' }, t('room.facilitator'));
}

function prefersReducedMotion(): boolean {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

export function roomView({ main, params, signal, setTitle }: ViewContext): Cleanup {
  const groupId = params.id ?? 0;
  const me = getUser();
  setTitle(t('room.titleFallback'));

  // ---- State ------------------------------------------------------------------------------------
  const store = new MessageStore();
  /**
   * Every message with an id up to here is held (or the server has said there is nothing more before it):
   * the point to catch up from after a gap or a reconnect.
   */
  let complete = 0;
  /** Messages that arrive while (re)joining, handled once the join's answer is in. */
  let early: Message[] = [];
  let hasMoreBefore = false;
  let role: RoomRole | null = null;
  let session: ModSession | null = null;
  /** When the group next meets (GET /api/groups/{id}), said whenever no session is running. */
  let nextSession: NextSession | null = null;
  /** The session had already ended when this person came in: tell them when to come back, not thanks. */
  let arrivedAfterEnd = false;
  let present: Present[] = [];
  let joined = false;
  let everJoined = false;
  let wasDisconnected = false;
  let leaving = false;
  /** The last message that failed to send, so that sending the same text again reuses its client_id. */
  let retry: { clientId: string; body: string; note: string } | null = null;
  /** The viewer's own muted words (room:join's `muted_words`, already folded by the server). */
  let mutedWords: string[] = [];
  /** Messages this viewer chose to open (a blocked member's, a muted word's, one behind a content note). */
  const opened = new Set<number>();
  /** Facilitators only: why a policy flagged a message (`message:flagged`). */
  const flags = new Map<number, string[]>();
  let wasOverLimit = false;
  /** The longest message the server accepts (from the join ack; the default until then). */
  let maxChars = DEFAULT_MAX_MESSAGE_CHARS;
  /**
   * Messages added quietly (reconnect and gap catch-ups) and not yet summed up for screen readers; `away`
   * when some came in after a reconnect.
   */
  let quietCount = 0;
  let quietAway = false;
  let reconnectedTimer: number | undefined;
  let joinRetryTimer: number | undefined;
  let quietTimer: number | undefined;

  function advanceComplete(): void {
    while (store.has(complete + 1)) complete += 1;
  }

  // ---- Elements ---------------------------------------------------------------------------------
  const heading = h('h1', null, t('room.titleFallback'));
  // The group's name reads in its own direction (dir="auto") while the heading stays at the page's start.
  const headingName = h('span', { dir: 'auto', 'data-testid': 'room-name' });
  const groupLink = h('a', { href: hrefFor(`/groups/${groupId}`) }, t('room.backToGroup'));
  const connection = h('p', { class: 'connection', role: 'status' }, t('room.connecting'));
  const pageAlert = new AlertRegion();
  const banner = h('div', { class: 'banner', role: 'status', 'data-testid': 'session-status' });

  // Facilitator controls
  const startButton = h('button', { type: 'button', class: 'button button--primary', 'data-testid': 'start-session' }, t('room.startSession'));
  const endButton = h('button', { type: 'button', class: 'button button--danger', 'data-testid': 'end-session' }, t('room.endSession'));
  const controlsAlert = new AlertRegion();
  const controls = h(
    'section',
    { class: 'controls', 'aria-labelledby': 'controls-heading' },
    h('h2', { id: 'controls-heading', class: 'controls__heading' }, t('room.facilitatorControls')),
    h('div', { class: 'actions' }, startButton, endButton),
    controlsAlert.el,
  );
  controls.hidden = true;

  // Messages
  const loadEarlier = h('button', { type: 'button', class: 'button button--quiet load-earlier' }, t('room.loadEarlier'));
  loadEarlier.hidden = true;
  // The list stays a list (its items are list items, as assistive technology expects); the live region that
  // announces new messages is the log around it.
  const list = h('ol', {
    id: 'messages',
    class: 'messages',
    'aria-labelledby': 'messages-heading',
    tabindex: '0',
    'data-testid': 'messages',
  });
  const emptyNote = h('p', { class: 'muted empty-note' }, t('room.noMessages'));
  emptyNote.hidden = true;
  const messagesLog = h(
    'div',
    { class: 'messages-wrap', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-labelledby': 'messages-heading' },
    list,
    emptyNote,
  );
  const typingStatus = h('p', { class: 'typing', role: 'status', 'aria-live': 'polite', 'data-testid': 'typing' });
  /** The pinned message, shown to everyone above the log. */
  const pinnedBox = h('section', { class: 'pinned', 'aria-labelledby': 'pinned-heading', 'data-testid': 'pinned', hidden: true });

  // Composer
  const textarea = h('textarea', {
    id: 'composer',
    name: 'body',
    rows: 3,
    'data-testid': 'composer',
    autocomplete: 'off',
    // What people type takes its own direction (an English message in the Arabic interface, and back).
    dir: 'auto',
  });
  const hint = h('p', { id: 'composer-hint', class: 'hint composer__hint' }, t('room.composerHint'));
  const counter = h('p', { id: 'composer-count', class: 'counter' });
  const disabledReason = h('p', { id: 'composer-disabled', class: 'composer__reason' });
  const sendButton = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'send' }, t('room.send'));
  const noteInput = h('input', {
    type: 'text',
    id: 'composer-note',
    name: 'content_note',
    maxlength: 120,
    autocomplete: 'off',
    dir: 'auto',
    'aria-labelledby': 'composer-note-label',
    'data-testid': 'content-note-input',
  });
  addDescribedBy(noteInput, 'composer-note-hint');
  // The optional content note stays folded until wanted, so the composer leaves the messages room to show.
  const noteBox = h(
    'details',
    { class: 'composer__note', 'data-testid': 'composer-note' },
    h('summary', { id: 'composer-note-label' }, t('mod.contentNoteField')),
    h('p', { id: 'composer-note-hint', class: 'hint' }, t('mod.contentNoteHint')),
    noteInput,
  );
  const sendAlert = new AlertRegion();
  sendAlert.el.dataset.testid = 'send-alert';
  addDescribedBy(textarea, 'composer-hint');
  addDescribedBy(textarea, 'composer-disabled');
  addDescribedBy(textarea, 'composer-count');
  addDescribedBy(sendButton, 'composer-disabled');
  const composer = h(
    'form',
    { class: 'composer', novalidate: true, 'aria-labelledby': 'composer-label' },
    h('label', { for: 'composer', id: 'composer-label' }, t('room.composerLabel')),
    hint,
    textarea,
    noteBox,
    h('div', { class: 'composer__footer' }, counter, sendButton),
    disabledReason,
    sendAlert.el,
  );

  // Presence
  const presenceHeading = h('h2', { id: 'presence-heading' });
  const presenceToggle = h('button', {
    type: 'button',
    class: 'button button--quiet presence__toggle',
    'aria-expanded': 'false',
    'aria-controls': 'presence-list',
  }, t('room.presenceShow'));
  /** The session tools panel (../room/tools.ts) goes here once the socket exists. */
  const toolsSlot = h('div', { class: 'tools-slot' });
  /** The moderation notices (a mute's countdown, slow mode, the lock, reports) go here, above the composer. */
  const moderationSlot = h('div', { class: 'moderation-slot' });
  const presenceList = h('ul', { id: 'presence-list', class: 'presence__list', 'data-testid': 'presence' });
  const presence = h(
    'aside',
    { class: 'presence', 'aria-labelledby': 'presence-heading', 'data-collapsed': 'true' },
    h('div', { class: 'presence__head' }, presenceHeading, presenceToggle),
    presenceList,
  );
  presenceToggle.addEventListener('click', () => {
    const collapsed = presence.dataset.collapsed !== 'false';
    presence.dataset.collapsed = collapsed ? 'false' : 'true';
    presenceToggle.setAttribute('aria-expanded', collapsed ? 'true' : 'false');
    presenceToggle.textContent = collapsed ? t('room.presenceHide') : t('room.presenceShow');
  });

  const chat = h(
    'section',
    { class: 'chat', 'aria-labelledby': 'messages-heading' },
    h('h2', { id: 'messages-heading', class: 'visually-hidden' }, t('room.messagesHeading')),
    pinnedBox,
    loadEarlier,
    messagesLog,
    typingStatus,
    moderationSlot,
    composer,
  );
  const room = h('div', { class: 'room' }, chat, h('div', { class: 'room__side' }, presence, toolsSlot));
  /** "I need help now" and, for facilitators, this room's concerns (../room/safeguarding.ts): always shown. */
  const safeguardingSlot = h('div', { class: 'safeguarding-slot' });
  const bar = h('div', { class: 'room-bar' }, safeguardingSlot, controls);
  append(main, h('p', { class: 'breadcrumb' }, groupLink), heading, connection, pageAlert.el, banner, bar, room);

  // The conversation fills the viewport's height below where it starts (styles.css: `--room-top`), so the
  // composer is in view on a first screen and the messages have the height that is left.
  main.classList.add('room-page');
  const fitToViewport = (): void => {
    const top = Math.round(chat.getBoundingClientRect().top + window.scrollY);
    if (room.style.getPropertyValue('--room-top') !== `${top}px`) room.style.setProperty('--room-top', `${top}px`);
  };
  const fitter = new ResizeObserver(fitToViewport);
  fitter.observe(main);
  window.addEventListener('resize', fitToViewport, { signal });
  fitToViewport();

  // ---- Rendering --------------------------------------------------------------------------------

  function viewContext(): MessageViewContext {
    return {
      myId: me?.id ?? null,
      staff: role === 'facilitator',
      blocked: moderation.blockedIds,
      mutedWords,
      opened,
      flags,
      pinnedId: session?.pinned_message_id ?? null,
      running: session?.status === 'live' || session?.status === 'paused',
      actions: {
        report: (m) => void moderation.report(m),
        hide: (m) => void moderation.hide(m),
        unhide: (m) => void moderation.unhide(m),
        pin: (m) => void moderation.pin(m),
        block: (m) => void moderation.toggleBlock(m.author),
        muteAuthor: (m) => void moderation.muteDialog(m.author),
        banAuthor: (m) => void moderation.banDialog(m.author),
        release: (m) => void moderation.release(m),
        decline: (m) => void moderation.decline(m),
      },
    };
  }

  function messageItem(m: Message): HTMLLIElement {
    const li = renderMessage(m as ModMessage, viewContext());
    safeguarding.decorateMessage(li, m as ModMessage);
    return li;
  }

  /** Draw one message again in place (its moderation state, or the viewer's filters, changed). */
  function redraw(id: number): void {
    const m = store.get(id);
    const old = list.querySelector<HTMLLIElement>(`li[data-id="${id}"]`);
    if (!m || !old) return;
    const hadFocus = old.contains(document.activeElement);
    const li = messageItem(m);
    old.replaceWith(li);
    markSessionStart(li);
    if (hadFocus) li.querySelector<HTMLElement>('button, summary')?.focus();
  }

  function redrawAll(): void {
    for (const m of store.ordered()) redraw(m.id);
    renderPinned();
  }

  /** Apply a change to a message held here (hidden, unhidden, released) and draw it again. */
  function patchMessage(id: number, patch: Partial<ModMessage>): void {
    const m = store.get(id) as ModMessage | undefined;
    if (!m) return;
    store.replace({ ...m, ...patch });
    redraw(id);
    if (session?.pinned_message_id === id) renderPinned();
  }

  function renderPinned(): void {
    const id = session?.pinned_message_id ?? null;
    const running = session?.status === 'live' || session?.status === 'paused';
    pinnedBox.hidden = id === null || !running;
    if (pinnedBox.hidden || id === null) {
      pinnedBox.replaceChildren();
      return;
    }
    const m = store.get(id) as ModMessage | undefined;
    replaceChildren(
      pinnedBox,
      h('h3', { id: 'pinned-heading', class: 'pinned__heading' }, t('mod.pinnedHeading')),
      m
        ? [
            h('p', { class: 'message__meta' }, h('span', { class: 'message__author', dir: 'auto' }, m.author.display_name), ' ', timeElement(m.created_at)),
            h('p', { class: 'pinned__body prewrap', dir: 'auto', 'data-testid': 'pinned-body' }, m.body),
          ]
        : h('p', { class: 'muted' }, t('mod.pinnedMissing')),
    );
  }

  /** A message that opens a later session than the one before it carries a small divider. */
  function markSessionStart(li: HTMLLIElement): void {
    const previous = li.previousElementSibling as HTMLElement | null;
    const starts = previous !== null && previous.dataset.session !== li.dataset.session;
    li.classList.toggle('message--session-start', starts);
    if (starts) li.dataset.divider = t('room.newSession');
    else delete li.dataset.divider;
  }

  function nearBottom(): boolean {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  function scrollToBottom(): void {
    list.scrollTo({ top: list.scrollHeight, behavior: prefersReducedMotion() ? 'auto' : 'smooth' });
  }

  /** Silence the message log for a moment, so that what is added now is not read out item by item. */
  function quietLog(): void {
    messagesLog.setAttribute('aria-live', 'off');
    window.clearTimeout(quietTimer);
    quietTimer = window.setTimeout(() => messagesLog.setAttribute('aria-live', 'polite'), QUIET_MS);
  }

  /**
   * Insert new messages into the list in id order.
   * - `live`: one message as it happens; the log's live region reads it out.
   * - `history`: the first page on entering; quiet, scrolled to the end.
   * - `older`: a page loaded above; quiet, the reading position is kept.
   * - `catchup`: what was missed (reconnect, gap fill); quiet, counted for one summary (`summariseCatchUp`).
   */
  function addMessages(messages: readonly Message[], how: 'live' | 'history' | 'older' | 'catchup' = 'live'): Message[] {
    const added = store.add(messages);
    if (added.length === 0) return added;
    const stick = nearBottom();
    const previousHeight = list.scrollHeight;
    const previousTop = list.scrollTop;
    if (how !== 'live') quietLog();
    if (how === 'catchup') quietCount += added.length;
    for (const m of added) {
      const li = messageItem(m);
      // Walk back from the end: new messages almost always belong there.
      let after: Element | null = list.lastElementChild;
      while (after && Number((after as HTMLElement).dataset.id) > m.id) after = after.previousElementSibling;
      if (after) after.after(li);
      else list.prepend(li);
      markSessionStart(li);
      if (li.nextElementSibling instanceof HTMLLIElement) markSessionStart(li.nextElementSibling);
    }
    advanceComplete();
    emptyNote.hidden = store.size > 0;
    if (how === 'older') {
      list.scrollTop = previousTop + (list.scrollHeight - previousHeight);
    } else if (how === 'history' || stick) {
      scrollToBottom();
    }
    for (const m of added) incoming.update(m.author.id, m.author.display_name, false);
    return added;
  }

  /** Say once, politely, how many messages were added quietly since the last summary. */
  function summariseCatchUp(): void {
    const count = quietCount;
    const away = quietAway;
    quietCount = 0;
    quietAway = false;
    if (count === 0 || leaving) return;
    announce(
      away
        ? tCount(count, { one: 'room.caughtUpAway.one', other: 'room.caughtUpAway.other' })
        : tCount(count, { one: 'room.caughtUp.one', other: 'room.caughtUp.other' }),
    );
  }

  function renderBanner(): void {
    const status = session?.status;
    let kind: 'live' | 'paused' | 'ended' | 'idle';
    let label: string;
    // Sentences, each text or (with a person's name in it, isolated: tIsolated) text and elements.
    const text: (string | (string | HTMLElement)[])[] = [];
    if (session && status === 'live') {
      kind = 'live';
      label = t('room.statusLive');
      text.push(
        session.opened_at && session.opened_by
          ? tIsolated('room.sessionLiveSince', { time: localText(session.opened_at), name: session.opened_by.display_name })
          : t('room.sessionLive'),
      );
    } else if (session && status === 'paused') {
      kind = 'paused';
      label = t('room.statusPaused');
      text.push(
        session.ends_if_unfacilitated_at
          ? t('room.sessionPausedUntil', { time: localText(session.ends_if_unfacilitated_at) })
          : t('room.sessionPaused'),
      );
    } else if (session && status === 'ended' && arrivedAfterEnd) {
      kind = 'ended';
      label = t('room.statusEnded');
      if (session.ended_at) text.push(t('room.sessionEndedEarlier', { time: localText(session.ended_at) }));
      text.push(nextSession ? t('meeting.nextMeetsOn', { when: meetingText(nextSession.starts_at) }) : t('meeting.noneScheduled'));
    } else if (session && status === 'ended' && session.end_reason === 'no_facilitator' && session.ended_at) {
      kind = 'ended';
      label = t('room.statusEnded');
      text.push(t('room.sessionEndedUnfacilitated', { time: localText(session.ended_at) }));
      if (nextSession) text.push(t('meeting.nextMeetsOn', { when: meetingText(nextSession.starts_at) }));
    } else if (session && status === 'ended') {
      kind = 'ended';
      label = t('room.statusEnded');
      text.push(session.ended_at ? t('room.sessionEndedAt', { time: localText(session.ended_at) }) : t('room.sessionEnded'));
      if (nextSession) text.push(t('meeting.nextMeetsOn', { when: meetingText(nextSession.starts_at) }));
    } else {
      kind = 'idle';
      label = t('room.statusNotLive');
      text.push(t('room.sessionNotLive'));
      if (nextSession) text.push(t('meeting.nextMeetsOn', { when: meetingText(nextSession.starts_at) }));
      else if (session && status === 'scheduled' && session.scheduled_for) {
        text.push(t('room.sessionScheduled', { time: localText(session.scheduled_for) }));
      }
    }
    banner.className = `banner banner--${kind}`;
    banner.dataset.status = kind === 'idle' ? 'not_live' : kind;
    replaceChildren(
      banner,
      h('span', { class: 'banner__label' }, h('span', { class: 'banner__icon', 'aria-hidden': 'true' }), label),
      h('span', { class: 'banner__text' }, text.map((sentence, i) => (i === 0 ? sentence : [' ', sentence]))),
    );
  }

  function renderControls(): void {
    const isFacilitator = role === 'facilitator';
    controls.hidden = !isFacilitator;
    if (!isFacilitator) return;
    const live = session?.status === 'live' || session?.status === 'paused';
    const focusWasOn = document.activeElement;
    startButton.hidden = live;
    endButton.hidden = !live;
    // Keep focus where the person was when the button they used is swapped for its counterpart.
    if (focusWasOn === startButton && live) endButton.focus();
    if (focusWasOn === endButton && !live) startButton.focus();
  }

  function renderPresence(): void {
    const seen = new Set<number>();
    const people = present.filter((p) => (seen.has(p.user_id) ? false : (seen.add(p.user_id), true)));
    people.sort((a, b) => {
      const ra = a.role === 'facilitator' ? 0 : 1;
      const rb = b.role === 'facilitator' ? 0 : 1;
      return ra - rb || a.display_name.localeCompare(b.display_name);
    });
    presenceHeading.textContent = t('room.presenceHeading', { count: people.length });
    if (people.length === 0) {
      replaceChildren(presenceList, h('li', { class: 'muted' }, t('room.presenceEmpty')));
      return;
    }
    // Redrawn whenever presence or a sanction changes: keep a person's open options, and the focus, where
    // they were, so a keyboard user does not lose their place.
    const openFor = new Set(
      [...presenceList.querySelectorAll<HTMLElement>('details[open]')].map((d) => d.closest('li')?.dataset.userId),
    );
    const focused = document.activeElement instanceof HTMLElement && presenceList.contains(document.activeElement) ? document.activeElement : null;
    const focusUser = focused?.closest('li')?.dataset.userId;
    const focusTestId = focused?.dataset.testid;
    replaceChildren(
      presenceList,
      people.map((p) =>
        h(
          'li',
          { class: 'presence__person', 'data-user-id': p.user_id },
          h('span', { class: 'presence__name', dir: 'auto' }, p.display_name),
          me !== null && p.user_id === me.id ? h('span', { class: 'message__you' }, t('room.you')) : null,
          p.role === 'facilitator' ? facilitatorBadge() : null,
          p.away ? h('span', { class: 'badge badge--away', 'data-testid': 'stepping-out' }, t('tools.steppingOut')) : null,
          safeguarding.withPersonItems(moderation.personActions(p), p),
        ),
      ),
    );
    for (const details of presenceList.querySelectorAll<HTMLDetailsElement>('details')) {
      if (openFor.has(details.closest('li')?.dataset.userId)) details.open = true;
    }
    if (focusUser !== undefined) {
      const row = presenceList.querySelector<HTMLElement>(`li[data-user-id="${focusUser}"]`);
      const again = (focusTestId ? row?.querySelector<HTMLElement>(`[data-testid="${focusTestId}"]`) : null) ?? row?.querySelector<HTMLElement>('summary');
      again?.focus();
    }
    incoming.retain(seen);
  }

  function renderTyping(names: string[]): void {
    // Names isolated (tIsolated), so one in another script does not reorder the sentence around it.
    let text: (string | HTMLElement)[] = [];
    if (names.length === 1) text = tIsolated('room.typingOne', { name: names[0] ?? '' });
    else if (names.length === 2) text = tIsolated('room.typingTwo', { first: names[0] ?? '', second: names[1] ?? '' });
    else if (names.length > 2) text = [t('room.typingMany')];
    const sentence = text.map((part) => (typeof part === 'string' ? part : part.textContent)).join('');
    if (typingStatus.textContent !== sentence) replaceChildren(typingStatus, text);
  }

  function updateCounter(): void {
    const count = charCount(textarea.value);
    const over = count > maxChars;
    counter.textContent = over
      ? t('room.charOver', { count: count - maxChars, max: maxChars })
      : t('room.charCount', { count, max: maxChars });
    counter.classList.toggle('counter--over', over);
    textarea.setAttribute('aria-invalid', over ? 'true' : 'false');
    if (over && !wasOverLimit) announce(counter.textContent);
    wasOverLimit = over;
  }

  function updateComposer(): void {
    const live = session?.status === 'live';
    const connected = socket.connected && joined;
    let reason = '';
    if (!everJoined) reason = t('room.connecting');
    else if (session?.status === 'paused') reason = t('room.composerPaused');
    else if (tools.composerNote() !== '') reason = tools.composerNote();
    else if (!live) reason = t('room.composerDisabled');
    else if (!connected) reason = t('room.composerDisabledOffline');
    else if (moderation.sendBlockedReason() !== '') reason = moderation.sendBlockedReason();
    // Not in session: nothing can be sent, so the composer is off (the typed text stays). Offline: keep
    // typing, only sending waits for the connection.
    textarea.disabled = !everJoined || !live;
    sendButton.disabled = !live || !connected || moderation.sendBlockedReason() !== '';
    noteInput.disabled = textarea.disabled;
    // An alert from an earlier send attempt ("offline", "not in session") goes once it no longer holds,
    // and while it says the same as the note below, the note steps aside so it is not said twice.
    const alerted = sendAlert.el.textContent ?? '';
    if (
      (alerted === t('room.composerDisabledOffline') && connected) ||
      (alerted === t('error.session_not_live') && live) ||
      (alerted === t('error.session_paused') && live)
    ) {
      sendAlert.clear();
    }
    disabledReason.textContent = reason;
    disabledReason.hidden = reason === '' || reason === (sendAlert.el.textContent ?? '');
  }

  function setConnection(state: 'connecting' | 'connected' | 'reconnecting' | 'reconnected'): void {
    window.clearTimeout(reconnectedTimer);
    connection.dataset.state = state;
    if (state === 'connected') connection.textContent = '';
    else if (state === 'connecting') connection.textContent = t('room.connecting');
    else if (state === 'reconnecting') connection.textContent = t('room.reconnecting');
    else {
      connection.textContent = t('room.reconnected');
      reconnectedTimer = window.setTimeout(() => setConnection('connected'), 4000);
    }
  }

  function showJoinError(error: ErrorBody): void {
    const text = moderation.explainRefusal(error as ErrorBody & Record<string, unknown>) ?? translateError(error.code, error.message);
    pageAlert.show(text);
    if (error.code === 'not_member' || error.code === 'agreement_required') {
      pageAlert.el.append(' ', h('a', { href: hrefFor(`/groups/${groupId}`) }, t('room.toGroupPage')));
    }
  }

  // ---- Socket -----------------------------------------------------------------------------------

  const socket: ChatSocket = io('/chat', {
    withCredentials: true,
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    // Give up on a connection attempt after 8 s (default 20 s), so a dropped network is retried promptly.
    timeout: 8000,
    reconnectionDelayMax: 4000,
    // A fresh manager per visit: a cached one would hand back the old socket with its old listeners.
    forceNew: true,
  });
  const tools = new SessionTools(socket as unknown as Socket, groupId, me?.id ?? null);
  toolsSlot.append(tools.el);
  const moderation = new ModerationTools({
    socket: socket as unknown as Socket,
    groupId,
    myId: me?.id ?? null,
    signal,
    changed: () => {
      renderPresence();
      updateComposer();
    },
    blockedChanged: () => {
      redrawAll();
      renderPresence();
    },
    patchMessage,
    messageHidden: (id) => (store.get(id) as ModMessage | undefined)?.hidden,
    leave: (text) => {
      if (leaving) return;
      leaving = true;
      socket.disconnect();
      setFlash(text);
      navigate(`/groups/${groupId}`);
    },
  });
  toolsSlot.append(moderation.staffEl);
  moderationSlot.append(moderation.noticesEl);
  const safeguarding = new RoomSafeguarding({
    socket: socket as unknown as Socket,
    groupId,
    myId: me?.id ?? null,
    signal,
    redraw: (id) => redraw(id),
    privateWord: () => {
      const button = toolsSlot.querySelector<HTMLButtonElement>('[data-testid="private-request"]');
      return button && button.offsetParent !== null && !button.disabled ? button : null;
    },
  });
  safeguardingSlot.append(safeguarding.el);
  // This room's concerns head the room: above the conversation on a phone, atop the side column on wider
  // screens (styles.css), where they do not push the facilitator's message box off the first screen.
  room.prepend(safeguarding.staffEl);

  async function ask<E extends keyof ClientToServerEvents>(event: E, payload: PayloadOf<E>): Promise<AckOf<E>> {
    const raw = socket as unknown as Socket;
    return (await raw.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as AckOf<E>;
  }

  const outgoing = new OutgoingTyping((typing) => {
    if (joined && socket.connected) socket.emit('typing', { group_id: groupId, typing }, () => undefined);
  });
  const incoming = new IncomingTyping(renderTyping);

  let catchingUp = false;
  let catchUpFrom: number | null = null;

  /**
   * Fetch everything after `since` (history:since), page by page. Concurrent requests fold into one.
   * What arrives is added quietly and summed up in one announcement at the end; only a gap of a single
   * message (not after a reconnect) is added like any live message, so it is read out itself.
   */
  /** Fetch what came after `since`; true when the server answered everything (false: failed, or joined a run
   * already under way, which the caller cannot count on). */
  async function catchUp(since: number): Promise<boolean> {
    catchUpFrom = catchUpFrom === null ? since : Math.min(catchUpFrom, since);
    if (catchingUp) return false;
    catchingUp = true;
    let answered = true;
    try {
      while (catchUpFrom !== null && !leaving) {
        let cursor = catchUpFrom;
        catchUpFrom = null;
        for (let page = 0; ; page += 1) {
          const ack = await ask('history:since', { group_id: groupId, since_id: cursor, limit: CATCH_UP_PAGE });
          if (leaving) return false;
          if (!ack.ok) {
            answered = false;
            break;
          }
          const fresh = ack.messages.filter((m) => !store.has(m.id));
          const single = page === 0 && !ack.has_more && fresh.length === 1 && quietCount === 0 && !quietAway;
          addMessages(fresh, single ? 'live' : 'catchup');
          const top = ack.messages.reduce((max, m) => Math.max(max, m.id), cursor);
          if (!ack.has_more || top <= cursor) {
            // The server has sent everything after `since`: a hole left now is no message at all.
            complete = Math.max(complete, top);
            advanceComplete();
            break;
          }
          cursor = top;
        }
      }
    } catch {
      // A timeout or drop: the reconnect's room:join with since_id fills the hole.
      answered = false;
    } finally {
      catchingUp = false;
      summariseCatchUp();
    }
    return answered;
  }

  async function join(): Promise<void> {
    window.clearTimeout(joinRetryTimer);
    // After a drop, ask only for what came after the last message we hold complete (0: the room was
    // empty when entered).
    const reconnecting = everJoined;
    const payload: PayloadOf<'room:join'> = reconnecting
      ? { group_id: groupId, since_id: complete }
      : { group_id: groupId };
    let ack: AckOf<'room:join'>;
    try {
      ack = await ask('room:join', payload);
    } catch {
      if (leaving) return;
      // No answer in time: try again while the connection is up.
      if (socket.connected) joinRetryTimer = window.setTimeout(() => void join(), 3000);
      return;
    }
    if (leaving) return;
    if (!ack.ok) {
      showJoinError(ack.error);
      if (FATAL_JOIN_ERRORS.has(ack.error.code)) {
        leaving = true;
        socket.disconnect();
        setConnection('connected');
        // Nothing in this room is reachable: show only the explanation and the way to the group page.
        room.hidden = true;
        banner.replaceChildren();
        controls.hidden = true;
      }
      return;
    }
    pageAlert.clear();
    joined = true;
    everJoined = true;
    headingName.textContent = ack.group.name;
    replaceChildren(heading, headingName);
    setTitle(ack.group.name);
    list.setAttribute('aria-label', t('room.messagesLabel', { name: ack.group.name }));
    list.removeAttribute('aria-labelledby');
    messagesLog.setAttribute('aria-label', t('room.messagesLabel', { name: ack.group.name }));
    messagesLog.removeAttribute('aria-labelledby');
    role = ack.role;
    maxChars = maxMessageChars(ack.limits);
    session = ack.session;
    present = ack.present;
    const extra = ack as typeof ack & ModJoin;
    mutedWords = extra.muted_words ?? [];
    moderation.applyJoin(ack.role, ack.session, extra.muted, blockedFromJoin(extra.blocked_user_ids, ack.messages as ModMessage[]));
    tools.applyJoin(ack.role, ack.session, ack);
    safeguarding.applyJoin(ack.role, (ack as typeof ack & { staff?: { concerns?: Concern[] } }).staff?.concerns ?? []);
    tools.applyPresence(ack.present);
    if (!reconnecting) arrivedAfterEnd = ack.session?.status === 'ended';
    renderBanner();
    renderControls();
    renderPresence();
    if (reconnecting) redrawAll();
    if (!reconnecting) {
      hasMoreBefore = ack.has_more;
      addMessages(ack.messages, 'history');
      // The newest page: complete up to its last message (or the room's last id).
      complete = Math.max(complete, store.lastId, ack.last_id ?? 0);
      loadEarlier.hidden = !(hasMoreBefore && store.size > 0);
      emptyNote.hidden = store.size > 0;
    } else {
      // What was missed while away arrives in bulk: add it quietly and say once how much there was.
      quietAway = true;
      addMessages(ack.messages, 'catchup');
      if (ack.has_more) void catchUp(complete);
      else {
        complete = Math.max(complete, store.lastId);
        // A catch-up already running sums up when it ends (including these).
        if (!catchingUp) summariseCatchUp();
      }
    }
    renderPinned();
    const arrived = early;
    early = [];
    for (const message of arrived) receive(message);
    setConnection(wasDisconnected ? 'reconnected' : 'connected');
    wasDisconnected = false;
    updateCounter();
    updateComposer();
  }

  socket.on('connect', () => {
    void join();
  });

  socket.on('disconnect', () => {
    if (leaving) return;
    joined = false;
    wasDisconnected = true;
    outgoing.reset();
    incoming.retain();
    setConnection('reconnecting');
    updateComposer();
  });

  // The server took this connection out of the room (left the group, the agreement changed): say why and
  // go to the group page, where the agreement can be read and accepted again.
  socket.on('room:removed', (payload) => {
    if (leaving || payload.group_id !== groupId) return;
    leaving = true;
    socket.disconnect();
    setFlash(moderation.takeRemovalText() ?? t('room.removed'));
    navigate(`/groups/${groupId}`);
  });

    // This browser session was signed out (in this tab or another): leave the room and go to sign in.
  socket.on('auth:signed_out', () => {
    if (leaving) return;
    leaving = true;
    socket.disconnect();
    notifyUnauthenticated('signed_out');
  });

  socket.on('connect_error', (err: Error) => {
    if (leaving) return;
    if (err.message === 'not_authenticated') {
      leaving = true;
      socket.disconnect();
      pageAlert.show(t('room.notAuthenticated'));
      notifyUnauthenticated();
      return;
    }
    if (!socket.active) {
      // The server refused this namespace for good.
      pageAlert.show(translateError(err.message, t('room.joinFailed')));
      setConnection('connected');
      return;
    }
    if (everJoined || wasDisconnected) setConnection('reconnecting');
  });

  /** A broadcast message: add it, and if it skips ids we don't hold, fetch the ones in between. */
  function receive(message: Message): void {
    if (store.has(message.id)) return;
    const since = complete;
    if (MessageStore.isGap(message.id, since)) void catchUp(since);
    addMessages([message], 'live');
  }

  // A message published while Redis was down never arrives as message:new; the watermark says it exists.
  // Once fetched (or found to be one we may not see, e.g. held for review) it counts as checked; a fetch that
  // failed leaves it unchecked, so the next watermark (every few seconds) tries again.
  let checkedMark = 0;
  socket.on('room:watermark', ({ group_id, last_id }) => {
    if (group_id !== groupId || !joined || last_id <= Math.max(complete, checkedMark)) return;
    void catchUp(complete).then((answered) => {
      if (answered) checkedMark = Math.max(checkedMark, last_id);
    });
  });

  socket.on('message:new', ({ message }) => {
    if (message.group_id !== groupId) return;
    if (joined) receive(message);
    else early.push(message);
  });

  socket.on('presence:update', (payload) => {
    if (payload.group_id !== groupId) return;
    present = payload.present;
    renderPresence();
    tools.applyPresence(payload.present);
    updateComposer();
  });

  socket.on('session:updated', (payload) => {
    if (payload.group_id !== groupId) return;
    applySession(payload.session);
  });

  // Moderation of messages (docs/protocol.md "Moderation"): hidden or shown again for everyone; held and
  // flagged ones are told to facilitators only.
  const rawSocket = socket as unknown as Socket;
  rawSocket.on('message:hidden', (payload: { group_id: number; message_id: number; hidden: boolean; message?: ModMessage }) => {
    if (payload.group_id !== groupId) return;
    if (!payload.hidden && payload.message) {
      if (store.has(payload.message.id)) patchMessage(payload.message.id, { ...payload.message, hidden: false, hidden_reason: null });
      return;
    }
    // A member keeps no text of a hidden message; staff keep it (and its reason, from the ack or mod:logged).
    const forMembers: Partial<ModMessage> = role === 'facilitator' ? {} : { body: '', content_note: null };
    patchMessage(payload.message_id, payload.hidden ? { hidden: true, ...forMembers } : { hidden: false, hidden_reason: null });
  });
  rawSocket.on('message:held', (payload: { group_id: number; message: ModMessage }) => {
    if (payload.group_id !== groupId || role !== 'facilitator') return;
    if (store.has(payload.message.id)) patchMessage(payload.message.id, payload.message);
    else addMessages([payload.message], 'live');
  });
  rawSocket.on('message:flagged', (payload: { group_id: number; message_id: number; reasons: string[] }) => {
    if (payload.group_id !== groupId || role !== 'facilitator') return;
    flags.set(payload.message_id, [...(flags.get(payload.message_id) ?? []), ...payload.reasons]);
    redraw(payload.message_id);
  });

  socket.on('typing', (payload) => {
    if (payload.group_id !== groupId || (me !== null && payload.user_id === me.id)) return;
    incoming.update(payload.user_id, payload.display_name, payload.typing);
  });

  /** When the group next meets: the join answer does not say, the group's own view does. */
  async function loadNextSession(): Promise<void> {
    try {
      const group = await memberApi.group(groupId, signal);
      if (signal.aborted) return;
      nextSession = group.next_session;
      // Only once joined: an empty banner means the room has not answered yet.
      if (everJoined) renderBanner();
    } catch {
      // The banner still says whether a session is on; the group page says when the next one is.
    }
  }
  void loadNextSession();

  function applySession(next: ModSession): void {
    // Ignore a stale update about an older session than the one shown.
    if (session && next.id < session.id) return;
    const was = session?.status;
    const pinnedBefore = session?.pinned_message_id ?? null;
    session = next;
    tools.applySession(next);
    moderation.applySession(next);
    const pinnedNow = next.pinned_message_id ?? null;
    if (pinnedBefore !== pinnedNow) {
      if (pinnedBefore !== null) redraw(pinnedBefore);
      if (pinnedNow !== null) redraw(pinnedNow);
    }
    renderPinned();
    renderBanner();
    renderControls();
    updateComposer();
    if (was === 'paused' && next.status === 'live') announce(t('room.sessionResumedAnnounce'));
    else if (was !== 'live' && next.status === 'live') announce(t('room.sessionStarted'));
    else if (was === 'live' && next.status === 'paused') announce(t('room.sessionPausedAnnounce'));
    else if (was !== 'ended' && next.status === 'ended') {
      announce(t('room.sessionStopped'));
      void loadNextSession();
    }
  }

  // ---- Interaction ------------------------------------------------------------------------------

  loadEarlier.addEventListener('click', async () => {
    if (store.size === 0 || loadEarlier.getAttribute('aria-busy') === 'true') return;
    loadEarlier.setAttribute('aria-busy', 'true');
    loadEarlier.textContent = t('room.loadingEarlier');
    try {
      const ack = await ask('history:before', { group_id: groupId, before_id: store.firstId, limit: HISTORY_PAGE });
      if (leaving) return;
      if (!ack.ok) {
        pageAlert.show(translateError(ack.error.code, ack.error.message));
        return;
      }
      addMessages(ack.messages, 'older');
      hasMoreBefore = ack.has_more;
      announce(t('room.loadedEarlier'));
    } catch {
      pageAlert.show(t('error.timeout'));
    } finally {
      loadEarlier.removeAttribute('aria-busy');
      loadEarlier.textContent = t('room.loadEarlier');
      if (!hasMoreBefore) {
        const hadFocus = document.activeElement === loadEarlier;
        loadEarlier.hidden = true;
        if (hadFocus) list.focus();
      }
    }
  });

  // An error about the text itself goes as soon as it stops being true (issue 10: stale errors).
  let textAlert: 'too_long' | null = null;
  textarea.addEventListener('input', () => {
    updateCounter();
    outgoing.input(textarea.value.trim() === '');
    if (textAlert === 'too_long' && charCount(textarea.value) <= maxChars) {
      sendAlert.clear();
      textAlert = null;
    }
  });

  textarea.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.altKey) return;
    event.preventDefault();
    composer.requestSubmit();
  });

  /** Put text that could not be sent back into the composer, ahead of anything typed since. */
  function restoreDraft(body: string, note = ''): void {
    textarea.value = textarea.value.trim() === '' ? body : `${body}\n${textarea.value}`;
    if (note !== '' && noteInput.value.trim() === '') {
      noteInput.value = note;
      noteBox.open = true;
    }
    updateCounter();
  }

  /**
   * Send one message (with its content note). A message that seems to share personal details is refused
   * until the member confirms: ask first, then send it again with `confirm_personal_details`, or give the
   * text back to edit.
   */
  async function sendMessage(clientId: string, body: string, note: string, confirmed: boolean): Promise<void> {
    let failure: string | null = null;
    try {
      const payload: PayloadOf<'message:send'> & { content_note?: string; confirm_personal_details?: boolean } = {
        group_id: groupId,
        client_id: clientId,
        body,
      };
      if (note !== '') payload.content_note = note;
      if (confirmed) payload.confirm_personal_details = true;
      const ack = await ask('message:send', payload);
      if (leaving) return;
      if (ack.ok) {
        sendAlert.clear();
        addMessages([ack.message], 'live');
        scrollToBottom();
        if ((ack.message as ModMessage).held) announce(t('mod.heldMine'));
      } else if (ack.error.code === 'personal_details_confirm' && !confirmed) {
        const error = ack.error as ErrorBody & { found?: unknown; detail?: { found?: unknown } };
        const sendAnyway = await confirmDialog(
          {
            title: t('mod.personalTitle'),
            body: t('mod.personalBody', { what: personalDetailsText(error.found ?? error.detail?.found) }),
            confirmLabel: t('mod.personalSend'),
            cancelLabel: t('mod.personalEdit'),
          },
          signal,
        );
        if (leaving) return;
        if (sendAnyway) {
          await sendMessage(clientId, body, note, true);
          return;
        }
        retry = { clientId, body, note };
        restoreDraft(body, note);
        textarea.focus();
        return;
      } else {
        const error = ack.error as ErrorBody & Record<string, unknown>;
        failure = moderation.explainRefusal(error) ?? translateError(error.code, error.message, { max: maxChars });
      }
    } catch {
      if (leaving) return;
      failure = t('room.sendFailed');
    }
    if (failure !== null) {
      retry = { clientId, body, note };
      restoreDraft(body, note);
      sendAlert.show(failure);
    }
  }

  composer.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = textarea.value;
    if (session?.status !== 'live') {
      sendAlert.show(t(session?.status === 'paused' ? 'error.session_paused' : 'error.session_not_live'));
      return;
    }
    if (!joined || !socket.connected) {
      sendAlert.show(t('room.composerDisabledOffline'));
      updateComposer();
      return;
    }
    const held = moderation.sendBlockedReason();
    if (held !== '') {
      // Muted, the room locked, or slow mode's wait: the text stays in the composer for later.
      sendAlert.show(held);
      return;
    }
    if (body.trim() === '') {
      // Sending nothing simply does nothing: no error for an empty box (Enter pressed by habit).
      textarea.focus();
      return;
    }
    if (charCount(body) > maxChars) {
      sendAlert.show(t('error.message_too_long', { max: maxChars }));
      textAlert = 'too_long';
      textarea.focus();
      return;
    }
    // A retry of text that failed reuses its client_id, so if the first try did reach the server the
    // message is still stored only once.
    const note = noteInput.value.trim();
    const clientId = retry && retry.body === body && retry.note === note ? retry.clientId : newClientId();
    retry = null;
    // The composer empties at once so the next message can be typed while this one is on its way; if it is
    // refused, its text comes back.
    textarea.value = '';
    noteInput.value = '';
    updateCounter();
    outgoing.stop();
    await sendMessage(clientId, body, note, false);
  });

  startButton.addEventListener('click', async () => {
    if (isBusy(startButton)) return;
    controlsAlert.clear();
    const restore = busy(startButton, t('room.starting'));
    try {
      const opened = await api.startSession(groupId);
      restore();
      if (!signal.aborted) applySession(opened);
    } catch (err) {
      restore();
      if (!signal.aborted) controlsAlert.show(describeError(err));
    }
  });

  endButton.addEventListener('click', async () => {
    if (isBusy(endButton)) return;
    controlsAlert.clear();
    const current = session;
    if (!current || (current.status !== 'live' && current.status !== 'paused')) return;
    const confirmed = await confirmDialog(
      {
        title: t('room.endConfirmTitle'),
        body: t('room.endConfirmBody'),
        confirmLabel: t('room.endConfirmOk'),
        cancelLabel: t('room.cancel'),
        danger: true,
      },
      signal,
    );
    if (!confirmed || signal.aborted || isBusy(endButton)) return;
    const restore = busy(endButton, t('room.ending'));
    try {
      const ended = await api.endSession(current.id);
      restore();
      if (!signal.aborted) applySession(ended);
      if (!signal.aborted) navigate(`/debrief/${ended.id}`); // the facilitator's debrief (views/debrief.ts)
    } catch (err) {
      restore();
      if (!signal.aborted) controlsAlert.show(describeError(err));
    }
  });

  // Wide screens show who is here beside the messages; narrow ones start it folded away.
  const wide = window.matchMedia('(min-width: 48rem)');
  if (wide.matches) {
    presence.dataset.collapsed = 'false';
    presenceToggle.setAttribute('aria-expanded', 'true');
    presenceToggle.textContent = t('room.presenceHide');
  }

  renderPresence();
  updateCounter();
  updateComposer();

  if (!Number.isInteger(groupId) || groupId <= 0) {
    pageAlert.show(t('error.not_found'));
    leaving = true;
    socket.disconnect();
  }

  return () => {
    fitter.disconnect();
    main.classList.remove('room-page');
    if (!leaving && socket.connected) {
      outgoing.stop();
      socket.emit('room:leave', { group_id: groupId }, () => undefined);
    }
    leaving = true;
    window.clearTimeout(reconnectedTimer);
    window.clearTimeout(joinRetryTimer);
    window.clearTimeout(quietTimer);
    outgoing.reset();
    incoming.retain();
    moderation.dispose();
    safeguarding.dispose();
    socket.disconnect();
    socket.removeAllListeners();
  };
}
