/**
 * One message in the room's log, as this viewer should see it (docs/protocol.md "Members' tools" and
 * "Moderation"): hidden by a facilitator (members see only that; staff see the text and the reason), held
 * for review (its author sees it waiting), a blocked member's or a muted word's placeholder that can be
 * opened, a content note that keeps the message collapsed until asked, and the per-message options (report;
 * for facilitators hide, unhide and pin). People's text is only ever set as text, with dir="auto".
 */

import { h, uid } from '../dom';
import { t } from '../i18n';
import { timeElement } from '../time';
import { mutedWordIn } from './filters';
import type { ModMessage } from './mod_types';

export interface MessageActions {
  report(message: ModMessage): void;
  hide(message: ModMessage): void;
  unhide(message: ModMessage): void;
  pin(message: ModMessage | null): void;
  /** Block (or unblock) the message's author. */
  block(message: ModMessage): void;
  /** Facilitators: mute or ban the message's author (who may have left the room). */
  muteAuthor(message: ModMessage): void;
  banAuthor(message: ModMessage): void;
  /** Present when the server offers releasing held messages (mod:release / mod:decline). */
  release?: ((message: ModMessage) => void) | undefined;
  decline?: ((message: ModMessage) => void) | undefined;
}

export interface MessageViewContext {
  myId: number | null;
  /** A facilitator in this room. */
  staff: boolean;
  blocked: ReadonlySet<number>;
  mutedWords: readonly string[];
  /** Messages this viewer chose to open (a blocked member's, a muted word's, one behind a content note). */
  opened: Set<number>;
  /** Facilitators only: why a policy flagged a message. */
  flags: ReadonlyMap<number, readonly string[]>;
  pinnedId: number | null;
  /** Whether a session is running (pinning needs one). */
  running: boolean;
  actions: MessageActions;
}

/** Why a message is shown closed to this viewer, or null. */
function closedBecause(m: ModMessage, ctx: MessageViewContext, mine: boolean): 'blocked' | 'muted_word' | 'content_note' | null {
  if (mine) return null;
  if (ctx.blocked.has(m.author.id)) return 'blocked';
  if (mutedWordIn(m.body, ctx.mutedWords) !== null || mutedWordIn(m.content_note ?? '', ctx.mutedWords) !== null) return 'muted_word';
  if (m.content_note) return 'content_note';
  return null;
}

function optionButton(label: string, testId: string, onClick: () => void): HTMLButtonElement {
  return h('button', { type: 'button', class: 'button button--small', 'data-testid': testId, onclick: onClick }, label);
}

function options(m: ModMessage, ctx: MessageViewContext, mine: boolean): HTMLElement | null {
  const items: HTMLButtonElement[] = [];
  const a = ctx.actions;
  if (!mine && !m.declined && !m.held && !(m.hidden && !ctx.staff)) items.push(optionButton(t('mod.report'), 'report-message', () => a.report(m)));
  if (!mine) {
    const blocked = ctx.blocked.has(m.author.id);
    items.push(optionButton(blocked ? t('mod.unblockAuthor', { name: m.author.display_name }) : t('mod.blockAuthor', { name: m.author.display_name }), blocked ? 'unblock-author' : 'block-author', () => a.block(m)));
  }
  if (ctx.staff && !m.declined) {
    if (m.held) {
      if (a.release) {
        const release = a.release;
        items.push(optionButton(t('mod.release'), 'release-message', () => release(m)));
      }
      if (a.decline) {
        const decline = a.decline;
        items.push(optionButton(t('mod.decline'), 'decline-message', () => decline(m)));
      }
    } else if (m.hidden) {
      items.push(optionButton(t('mod.unhide'), 'unhide-message', () => a.unhide(m)));
    } else {
      if (!mine) items.push(optionButton(t('mod.hide'), 'hide-message', () => a.hide(m)));
      if (ctx.running) {
        items.push(
          ctx.pinnedId === m.id
            ? optionButton(t('mod.unpin'), 'unpin-message', () => a.pin(null))
            : optionButton(t('mod.pin'), 'pin-message', () => a.pin(m)),
        );
      }
    }
    // The author may have left the room (so is not under "Here now"): act on them from their message.
    if (!mine && m.author.role === 'member') {
      items.push(optionButton(t('mod.muteAuthor', { name: m.author.display_name }), 'mute-author', () => a.muteAuthor(m)));
      items.push(optionButton(t('mod.banAuthor', { name: m.author.display_name }), 'ban-author', () => a.banAuthor(m)));
    }
  }
  if (items.length === 0) return null;
  return h(
    'details',
    { class: 'message__options' },
    h('summary', { 'data-testid': 'message-options' }, t('mod.options'), h('span', { class: 'visually-hidden' }, ' ', t('mod.optionsFor', { name: m.author.display_name }))),
    h('div', { class: 'message__option-list' }, items),
  );
}

/** Staff's markers: hidden (with why), held (with why), flagged (with the policies' reasons). */
function staffMarkers(m: ModMessage, ctx: MessageViewContext): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (m.declined) {
    out.push(h('p', { class: 'message__marker message__marker--hidden', 'data-testid': 'declined-marker' }, t('mod.declinedStaff'), ' ', h('span', { dir: 'auto' }, m.declined_reason ?? '')));
    return out;
  }
  if (m.hidden) {
    out.push(h('p', { class: 'message__marker message__marker--hidden', 'data-testid': 'hidden-marker' }, t('mod.hiddenStaff'), ' ', m.hidden_reason ? h('span', { dir: 'auto' }, m.hidden_reason) : null));
  }
  if (m.held) {
    out.push(h('p', { class: 'message__marker message__marker--held', 'data-testid': 'held-marker' }, t('mod.heldStaff'), ' ', h('span', { dir: 'auto' }, m.held_reason ?? '')));
  }
  const flags = ctx.flags.get(m.id);
  if (flags && flags.length > 0) {
    out.push(h('p', { class: 'message__marker message__marker--flagged', 'data-testid': 'flagged-marker' }, t('mod.flagged'), ' ', h('span', { dir: 'auto' }, flags.join('; '))));
  }
  return out;
}

export function renderMessage(m: ModMessage, ctx: MessageViewContext): HTMLLIElement {
  const mine = ctx.myId !== null && m.author.id === ctx.myId;
  const facilitator = m.author.role === 'facilitator';
  const classes = ['message'];
  if (facilitator) classes.push('message--facilitator');
  if (mine) classes.push('message--mine');
  if (m.hidden) classes.push('message--hidden');
  if (m.held && !m.declined) classes.push('message--held');
  if (ctx.pinnedId === m.id) classes.push('message--pinned');
  const meta = h(
    'p',
    { class: 'message__meta' },
    h('span', { class: 'message__author', dir: 'auto' }, m.author.display_name),
    mine ? h('span', { class: 'message__you' }, t('room.you')) : null,
    facilitator ? h('span', { class: 'badge badge--facilitator' }, t('room.facilitator')) : null,
    timeElement(m.created_at),
  );
  const li = h('li', { class: classes.join(' '), 'data-testid': 'message', 'data-id': m.id, 'data-session': m.session_id });
  li.append(meta);

  // Its author deleted their account: what they wrote is gone, for everyone.
  if (m.removed) {
    li.dataset.state = 'removed';
    li.append(h('p', { class: 'message__placeholder', 'data-testid': 'removed-placeholder' }, t('privacy.messageRemoved')));
    return li;
  }

  // A member never has a hidden message's text: only the fact (the author of a declined one keeps theirs).
  if (m.hidden && !ctx.staff && !(mine && m.declined)) {
    li.dataset.state = 'hidden';
    li.append(h('p', { class: 'message__placeholder', 'data-testid': 'hidden-placeholder' }, t('mod.hiddenMember')));
    const opts = options(m, ctx, mine);
    if (opts) li.append(opts);
    return li;
  }
  if (ctx.staff) li.append(...staffMarkers(m, ctx));
  if (m.declined && !ctx.staff) {
    li.append(h('p', { class: 'message__marker message__marker--hidden', 'data-testid': 'declined-notice' }, t('mod.declinedMine'), ' ', h('span', { dir: 'auto' }, m.declined_reason ?? '')));
  } else if (m.held && !ctx.staff) {
    li.append(h('p', { class: 'message__marker message__marker--held', 'data-testid': 'held-notice' }, t('mod.heldMine'), ' ', h('span', { dir: 'auto' }, m.held_reason ?? '')));
  }

  const bodyId = uid('message-body');
  const note = m.content_note
    ? h('p', { class: 'message__note', 'data-testid': 'content-note' }, t('mod.contentNote'), ' ', h('span', { dir: 'auto' }, m.content_note))
    : null;
  const body = h('div', { id: bodyId, class: 'message__content' }, mine && note ? note : null, h('p', { class: 'message__body prewrap', dir: 'auto', 'data-testid': 'message-body' }, m.body));
  const closed = closedBecause(m, ctx, mine);
  if (closed === null) {
    li.dataset.state = m.held ? 'held' : 'open';
    li.append(body);
  } else {
    li.dataset.state = closed;
    const open = ctx.opened.has(m.id);
    // A disclosure button: its name stays the same and aria-expanded says whether the message is open.
    const toggle = h(
      'button',
      { type: 'button', class: 'button button--small', 'aria-expanded': open ? 'true' : 'false', 'aria-controls': bodyId, 'data-testid': 'reveal-message' },
      closed === 'content_note' ? t('mod.showMessage') : t('mod.showAnyway'),
    );
    const placeholder =
      closed === 'blocked'
        ? h('p', { class: 'message__placeholder', 'data-testid': 'blocked-placeholder' }, t('mod.blockedPlaceholder'))
        : closed === 'muted_word'
          ? h('p', { class: 'message__placeholder', 'data-testid': 'muted-word-placeholder' }, t('mod.mutedWordPlaceholder'))
          : note;
    if (closed !== 'content_note' && note) body.prepend(note);
    body.hidden = !open;
    toggle.addEventListener('click', () => {
      const nowOpen = body.hidden;
      body.hidden = !nowOpen;
      if (nowOpen) ctx.opened.add(m.id);
      else ctx.opened.delete(m.id);
      toggle.setAttribute('aria-expanded', nowOpen ? 'true' : 'false');
    });
    li.append(h('div', { class: 'message__gate' }, placeholder, toggle), body);
  }
  const opts = options(m, ctx, mine);
  if (opts) li.append(opts);
  return li;
}
