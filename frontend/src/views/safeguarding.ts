/**
 * The safeguarding console (#/safeguarding; docs/safeguarding.md): a hub's safeguarding lead watches the open
 * concerns across the hub, the most urgent tier first, then the oldest, each with its clock. The socket's
 * `console:join` gives the open ones (again after every reconnect, so nothing missed while away is lost);
 * `concern:new`, `concern:escalated` and `concern:updated` keep it live. A new concern is announced once
 * (an imminent one assertively); the clocks tick without being read out.
 *
 * Opening a concern loads GET /api/concerns/{id}: its messages with context (the triggering ones marked), the
 * timeline, actions (acknowledge, start, note, resolve with an outcome), the hub's crisis lines, the member's
 * other open concerns, and break-glass (reveal contact details: a reason is required, and it is recorded).
 */

import { io, type Socket } from 'socket.io-client';

import { api, describeError, isAbort, notifyUnauthenticated } from '../api';
import { safeguardingApi, type ConcernAction } from '../api_safeguarding';
import { announce, append, h, replaceChildren } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t, tIsolated, translateError, type MessageKey } from '../i18n';
import { type Cleanup, type ViewContext } from '../router';
import { byUrgency, Clocks, concernWords, localDeadline, sourceLabel, stateLabel, tierBadge } from '../safeguarding_parts';
import { getUser, leadHubIds } from '../state';
import { timeElement } from '../time';
import type { ErrorBody } from '../types';
import type { Concern, ConcernDetail, ConcernNews, ConcernMessage, TimelineEvent } from '../types_safeguarding';
import { crisisLineList } from './crisis';

const ACK_TIMEOUT_MS = 10_000;

type JoinAck = { ok: true; hub_id: number; concerns: Concern[] } | { ok: false; error: ErrorBody };

interface Held {
  concern: Concern;
  deadline: number | null;
}

export function safeguardingView({ main, signal, setTitle }: ViewContext): Cleanup | void {
  setTitle(t('sg.consoleTitle'));
  const user = getUser();
  const heading = h('h1', null, t('sg.consoleTitle'));
  const allowed = leadHubIds(user);
  if (allowed === undefined) {
    append(main, heading, h('p', null, t('sg.noAccess')));
    return;
  }

  const clocks = new Clocks();
  const concerns = new Map<number, Held>();
  const seenKeys = new Set<string>();
  let hubId: number | null = null;
  let openId: number | null = null;
  let joined = false;

  const pageAlert = new AlertRegion();
  const connection = h('p', { class: 'connection', role: 'status', 'data-testid': 'console-connection' }, t('sg.connecting'));
  // New concerns are said once: an imminent one at once (assertive), the others politely.
  const urgent = h('div', { class: 'visually-hidden', role: 'alert', 'aria-live': 'assertive', 'data-testid': 'console-urgent' });
  const polite = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const hubPicker = h('div', { class: 'console__hub' });
  const list = h('ol', { class: 'console__list', 'data-testid': 'console-concerns', 'aria-labelledby': 'console-open-heading' });
  const empty = h('p', { class: 'muted', 'data-testid': 'console-empty' }, t('sg.noOpen'));
  const detail = h('section', { class: 'console__detail', 'aria-labelledby': 'concern-detail-heading', 'data-testid': 'concern-detail', hidden: true });
  append(
    main,
    heading,
    h('p', { class: 'lead' }, t('sg.consoleIntro')),
    connection,
    pageAlert.el,
    hubPicker,
    h(
      'div',
      { class: 'console' },
      h('section', { class: 'console__open', 'aria-labelledby': 'console-open-heading' }, h('h2', { id: 'console-open-heading' }, t('sg.openHeading')), list, empty),
      detail,
    ),
    urgent,
    polite,
  );

  // ---- The list ---------------------------------------------------------------------------------------

  function renderList(): void {
    const focused = document.activeElement instanceof HTMLElement && list.contains(document.activeElement) ? document.activeElement.closest('li')?.dataset.concernId : undefined;
    const held = [...concerns.values()].filter((x) => x.concern.state !== 'resolved').sort((a, b) => byUrgency(a.concern, b.concern));
    replaceChildren(list, held.map((x) => item(x)));
    empty.hidden = held.length > 0;
    clocks.prune();
    if (focused) list.querySelector<HTMLElement>(`li[data-concern-id="${focused}"] button`)?.focus();
  }

  function item({ concern, deadline }: Held): HTMLLIElement {
    const open = h(
      'button',
      { type: 'button', class: 'button button--small', 'data-testid': 'open-concern', 'aria-pressed': openId === concern.id ? 'true' : 'false' },
      t('sg.open'),
      h('span', { class: 'visually-hidden' }, ' ', t('sg.openConcern', { id: concern.id })),
    );
    open.addEventListener('click', () => void openConcern(concern.id));
    const level = concern.escalation_level > 0 ? h('span', { class: 'badge badge--level', 'data-testid': 'concern-level' }, t('sg.level', { level: concern.escalation_level })) : null;
    return h(
      'li',
      {
        class: `console-concern console-concern--${concern.tier}`,
        'data-testid': 'console-concern',
        'data-concern-id': concern.id,
        'data-state': concern.state,
        'data-level': concern.escalation_level,
      },
      h(
        'p',
        { class: 'console-concern__head' },
        tierBadge(concern.tier),
        ' ',
        h('strong', { dir: 'auto' }, concern.subject?.pseudonym ?? t('sg.noSubject')),
        ' · ',
        sourceLabel(concern.source),
        concern.group_name ? ' · ' : null,
        concern.group_name ? h('span', { dir: 'auto' }, concern.group_name) : null,
      ),
      h('p', { class: 'console-concern__state' }, h('span', { 'data-testid': 'concern-state' }, stateLabel(concern.state)), level ? ' · ' : null, level),
      clocks.make(concern, deadline),
      open,
    );
  }

  function take(concern: Concern, how: 'snapshot' | 'new' | 'escalated' | 'updated', level?: number): void {
    const known = concerns.get(concern.id);
    if (known && concern.updated_at < known.concern.updated_at) return;
    concerns.set(concern.id, { concern, deadline: localDeadline(concern) });
    const words = concernWords(concern);
    if (how === 'new' && !known) {
      const text = t(concern.tier === 'imminent' ? 'sg.newConcernUrgent' : 'sg.newConcern', words);
      if (concern.tier === 'imminent') urgent.textContent = text;
      else polite.textContent = text;
    } else if (how === 'escalated') {
      urgent.textContent = t('sg.escalatedNews', { ...words, level: level ?? concern.escalation_level });
    }
  }

  // ---- The socket -------------------------------------------------------------------------------------

  const socket: Socket = io('/chat', {
    withCredentials: true,
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    timeout: 8000,
    reconnectionDelayMax: 4000,
    forceNew: true,
  });

  async function join(): Promise<void> {
    if (hubId === null || !socket.connected) return;
    const target = hubId;
    let ack: JoinAck;
    try {
      ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('console:join', { hub_id: target })) as JoinAck;
    } catch {
      pageAlert.show(t('room.sendFailed'));
      return;
    }
    if (hubId !== target) return;
    if (!ack.ok) {
      pageAlert.show(translateError(ack.error.code, ack.error.message));
      return;
    }
    pageAlert.clear();
    joined = true;
    // The answer is whole: what is not in it is not open any more.
    const open = new Set(ack.concerns.map((c) => c.id));
    for (const id of [...concerns.keys()]) if (!open.has(id)) concerns.delete(id);
    for (const c of ack.concerns) concerns.set(c.id, { concern: c, deadline: localDeadline(c) });
    connection.textContent = t('sg.live');
    connection.dataset.state = 'live';
    renderList();
  }

  function news(payload: ConcernNews, how: 'new' | 'escalated' | 'updated'): void {
    if (hubId === null || payload.concern.hub_id !== hubId) return;
    if (payload.key) {
      if (seenKeys.has(payload.key)) return;
      seenKeys.add(payload.key);
    }
    take(payload.concern, how, payload.level);
    renderList();
    if (openId === payload.concern.id) void refreshDetail();
  }

  socket.on('connect', () => void join());
  socket.on('disconnect', () => {
    joined = false;
    connection.textContent = t('sg.reconnecting');
    connection.dataset.state = 'reconnecting';
  });
  socket.on('connect_error', (err: Error) => {
    if (err.message === 'not_authenticated') {
      socket.disconnect();
      notifyUnauthenticated();
    }
  });
  socket.on('auth:signed_out', () => {
    socket.disconnect();
    notifyUnauthenticated('signed_out');
  });
  socket.on('concern:new', (p: ConcernNews) => news(p, 'new'));
  socket.on('concern:escalated', (p: ConcernNews) => news(p, 'escalated'));
  socket.on('concern:updated', (p: ConcernNews) => news(p, 'updated'));

  function chooseHub(id: number): void {
    if (hubId !== null && hubId !== id && socket.connected) socket.emit('console:leave', { hub_id: hubId }, () => undefined);
    hubId = id;
    joined = false;
    concerns.clear();
    seenKeys.clear();
    closeDetail();
    renderList();
    void join();
  }

  api
    .hubs(signal)
    .then((hubs) => {
      if (signal.aborted) return;
      const mine = allowed === null ? hubs : hubs.filter((hub) => allowed.has(hub.id));
      if (mine.length === 0) {
        pageAlert.show(t('sg.noAccess'));
        return;
      }
      if (mine.length > 1) {
        const select = h('select', { 'data-testid': 'console-hub' }, mine.map((hub) => h('option', { value: hub.id }, hub.name)));
        select.addEventListener('change', () => chooseHub(Number(select.value)));
        replaceChildren(hubPicker, field({ label: t('sg.hubField'), control: select }));
      }
      chooseHub(mine[0]?.id ?? 0);
    })
    .catch((err: unknown) => {
      if (isAbort(err) || signal.aborted) return;
      pageAlert.show(describeError(err));
    });

  // ---- One concern ------------------------------------------------------------------------------------

  const detailHeading = h('h2', { id: 'concern-detail-heading', tabindex: '-1' });
  const detailAlert = new AlertRegion();
  const detailDone = new StatusRegion('notice--success');
  const summary = h('div', { class: 'concern__summary' });
  const messages = h('div', { class: 'concern__messages' });
  const timeline = h('div', { class: 'concern__timeline' });
  const crisis = h('div', { class: 'concern__crisis' });
  const others = h('div', { class: 'concern__others' });
  const revealBox = h('div', { class: 'concern__reveal' });
  const ackButton = h('button', { type: 'button', class: 'button button--primary', 'data-testid': 'detail-ack' }, t('sg.acknowledge'));
  const startButton = h('button', { type: 'button', class: 'button', 'data-testid': 'detail-start' }, t('sg.start'));
  const noteInput = h('textarea', { rows: 3, maxlength: 4000, dir: 'auto', 'data-testid': 'detail-note' });
  const noteButton = h('button', { type: 'button', class: 'button', 'data-testid': 'detail-add-note' }, t('sg.addNote'));
  const outcomeInput = h('textarea', { rows: 3, maxlength: 4000, dir: 'auto', 'data-testid': 'detail-outcome' });
  const resolveButton = h('button', { type: 'button', class: 'button', 'data-testid': 'detail-resolve' }, t('sg.resolve'));
  const closeButton = h('button', { type: 'button', class: 'button button--quiet', 'data-testid': 'detail-close' }, t('sg.closeDetail'));
  const reasonInput = h('textarea', { rows: 2, maxlength: 1000, dir: 'auto', 'data-testid': 'reveal-reason' });
  const revealButton = h('button', { type: 'button', class: 'button button--danger', 'data-testid': 'reveal-contact' }, t('sg.reveal'));
  const revealAlert = new AlertRegion();
  const revealed = h('div', { class: 'concern__revealed', 'data-testid': 'revealed-contact', hidden: true });
  const noteField = field({ label: t('sg.noteField'), control: noteInput, hint: t('sg.noteHint') });
  const outcomeField = field({ label: t('sg.resolveField'), control: outcomeInput, hint: t('sg.resolveHint') });
  append(
    detail,
    h('div', { class: 'concern__head' }, detailHeading, closeButton),
    summary,
    h(
      'section',
      { class: 'concern__actions', 'aria-labelledby': 'concern-actions-heading' },
      h('h3', { id: 'concern-actions-heading' }, t('sg.actionsHeading')),
      h('div', { class: 'actions' }, ackButton, startButton),
      noteField,
      h('div', { class: 'actions' }, noteButton),
      outcomeField,
      h('div', { class: 'actions' }, resolveButton),
      detailAlert.el,
      detailDone.el,
    ),
    messages,
    timeline,
    crisis,
    others,
    h(
      'section',
      { class: 'concern__break-glass', 'aria-labelledby': 'reveal-heading' },
      h('h3', { id: 'reveal-heading' }, t('sg.revealHeading')),
      h('p', { class: 'warning', id: 'reveal-warning' }, t('sg.revealWarning')),
      revealBox,
    ),
  );
  append(
    revealBox,
    field({ label: t('sg.revealReason'), control: reasonInput, hint: t('sg.revealReasonHint') }),
    h('div', { class: 'actions' }, revealButton),
    revealAlert.el,
    revealed,
  );
  revealButton.setAttribute('aria-describedby', 'reveal-warning');

  let detailController: AbortController | null = null;
  let current: ConcernDetail | null = null;

  function closeDetail(): void {
    detailController?.abort();
    const was = openId;
    openId = null;
    current = null;
    detail.hidden = true;
    renderList();
    if (was !== null) list.querySelector<HTMLElement>(`li[data-concern-id="${was}"] button`)?.focus();
  }
  closeButton.addEventListener('click', closeDetail);

  async function openConcern(id: number): Promise<void> {
    const changed = openId !== id;
    openId = id;
    if (changed) {
      noteInput.value = '';
      outcomeInput.value = '';
      reasonInput.value = '';
      revealed.hidden = true;
      revealed.replaceChildren();
      revealAlert.clear();
      detailAlert.clear();
      detailDone.clear();
      summary.replaceChildren(h('p', { class: 'loading' }, t('app.loading')));
      for (const part of [messages, timeline, crisis, others]) part.replaceChildren();
    }
    detailHeading.textContent = t('sg.concernTitle', { id });
    detail.hidden = false;
    renderList();
    await refreshDetail();
    if (changed && openId === id) detailHeading.focus();
  }

  async function refreshDetail(): Promise<void> {
    if (openId === null) return;
    const id = openId;
    detailController?.abort();
    const controller = new AbortController();
    detailController = controller;
    detail.setAttribute('aria-busy', 'true');
    try {
      const found = await safeguardingApi.concern(id, controller.signal);
      if (controller.signal.aborted || openId !== id) return;
      current = found;
      renderDetail(found);
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      detailAlert.show(describeError(err));
    } finally {
      if (detailController === controller) detail.removeAttribute('aria-busy');
    }
  }

  function row(term: string, ...value: (Node | string | null)[]): Node[] {
    return [h('dt', null, term), h('dd', null, ...value)];
  }

  function renderDetail(found: ConcernDetail): void {
    const c = found.concern;
    const held = concerns.get(c.id);
    const deadline = c.state === 'raised' ? (held && held.concern.updated_at === c.updated_at ? held.deadline : localDeadline(c)) : null;
    replaceChildren(
      summary,
      clocks.make(c, deadline),
      h(
        'dl',
        { class: 'concern__facts' },
        row(t('sg.tierLabel'), tierBadge(c.tier)),
        row(t('sg.stateLabel'), h('span', { 'data-testid': 'detail-state' }, stateLabel(c.state)), c.escalation_level > 0 ? ` · ${t('sg.level', { level: c.escalation_level })}` : null),
        row(t('sg.sourceLabel'), sourceLabel(c.source)),
        row(t('sg.member'), h('span', { dir: 'auto', 'data-testid': 'detail-subject' }, c.subject?.pseudonym ?? t('sg.noSubject'))),
        c.group_name ? row(t('sg.group'), h('span', { dir: 'auto' }, c.group_name)) : [],
        c.raised_by ? row(t('sg.raisedBy'), h('span', { dir: 'auto' }, c.raised_by.pseudonym)) : [],
        row(t('sg.raisedAt'), timeElement(c.created_at)),
        c.ack_deadline && c.state === 'raised' ? row(t('sg.deadlineLabel'), timeElement(c.ack_deadline)) : [],
        c.explanation ? row(t('sg.whyLabel'), h('span', { dir: 'auto' }, c.explanation)) : [],
        c.outcome ? row(t('sg.outcomeLabel'), h('span', { dir: 'auto' }, c.outcome)) : [],
      ),
    );
    const resolved = c.state === 'resolved';
    ackButton.hidden = c.state !== 'raised';
    startButton.hidden = resolved || c.state === 'in_progress';
    outcomeField.hidden = resolved;
    resolveButton.hidden = resolved;
    revealBox.hidden = c.subject === null;
    replaceChildren(
      messages,
      h('h3', null, t('sg.messagesHeading')),
      found.messages.length === 0 ? h('p', { class: 'muted' }, t('sg.messagesNone')) : h('ol', { class: 'concern__message-list', 'data-testid': 'detail-messages' }, found.messages.map(messageItem)),
    );
    replaceChildren(timeline, h('h3', null, t('sg.timelineHeading')), h('ol', { class: 'timeline', 'data-testid': 'detail-timeline' }, found.timeline.map(eventItem)));
    replaceChildren(crisis, h('h3', null, t('sg.crisisHeading')), crisisLineList(found.crisis_lines, 'h4'));
    replaceChildren(
      others,
      h('h3', null, t('sg.otherHeading')),
      found.other_open_concerns.length === 0
        ? h('p', { class: 'muted' }, t('sg.otherNone'))
        : h(
            'ul',
            { 'data-testid': 'detail-others' },
            found.other_open_concerns.map((o) =>
              h(
                'li',
                null,
                tierBadge(o.tier),
                ' ',
                sourceLabel(o.source),
                ' · ',
                stateLabel(o.state),
                ' · ',
                timeElement(o.created_at),
                ' ',
                h('button', { type: 'button', class: 'button button--small', onclick: () => void openConcern(o.id) }, t('sg.openConcern', { id: o.id })),
              ),
            ),
          ),
    );
  }

  function messageItem(m: ConcernMessage): HTMLLIElement {
    return h(
      'li',
      { class: `concern-message${m.triggering ? ' concern-message--triggering' : ''}`, 'data-testid': 'detail-message', 'data-triggering': m.triggering ? 'true' : 'false' },
      h('p', { class: 'message__meta' }, h('span', { class: 'message__author', dir: 'auto' }, m.author.display_name), ' ', timeElement(m.created_at)),
      m.triggering ? h('p', { class: 'message__marker message__marker--risk', 'data-testid': 'triggering-marker' }, t('sg.triggering')) : null,
      h('p', { class: 'message__body prewrap', dir: 'auto' }, m.body),
      m.kept ? h('p', { class: 'hint' }, t('sg.kept')) : null,
    );
  }

  function eventItem(e: TimelineEvent): HTMLLIElement {
    const key = `sg.event.${e.kind}`;
    const label = key in eventLabels() ? t(key as MessageKey) : e.kind;
    return h(
      'li',
      { class: 'timeline__event', 'data-kind': e.kind },
      timeElement(e.at),
      ' ',
      h('strong', null, label),
      ' ',
      h('span', null, tIsolated('sg.eventBy', { name: e.actor ?? t('sg.system') })),
      e.note ? h('p', { dir: 'auto', class: 'prewrap' }, e.note) : null,
    );
  }

  async function act(button: HTMLButtonElement, action: ConcernAction, text: string, busyLabel: string, doneText: string): Promise<boolean> {
    if (isBusy(button) || openId === null) return false;
    detailAlert.clear();
    detailDone.clear();
    const id = openId;
    const restore = busy(button, busyLabel);
    try {
      const updated = await safeguardingApi.act(id, action, text);
      restore();
      take(updated, 'updated');
      renderList();
      detailDone.show(doneText);
      announce(doneText);
      await refreshDetail();
      return true;
    } catch (err) {
      restore();
      detailAlert.show(describeError(err));
      return false;
    }
  }

  ackButton.addEventListener('click', () => void act(ackButton, 'acknowledge', noteInput.value.trim(), t('sg.acknowledging'), t('sg.acknowledgedDone')).then((ok) => ok && (noteInput.value = '')));
  startButton.addEventListener('click', () => void act(startButton, 'start', noteInput.value.trim(), t('sg.starting'), t('sg.startedDone')).then((ok) => ok && (noteInput.value = '')));
  noteButton.addEventListener('click', () => {
    setInvalid(noteInput, false);
    if (noteInput.value.trim() === '') {
      setInvalid(noteInput, true);
      detailAlert.show(t('sg.noteRequired'));
      noteInput.focus();
      return;
    }
    void act(noteButton, 'notes', noteInput.value.trim(), t('sg.addingNote'), t('sg.noteAdded')).then((ok) => ok && (noteInput.value = ''));
  });
  resolveButton.addEventListener('click', () => {
    setInvalid(outcomeInput, false);
    if (outcomeInput.value.trim() === '') {
      setInvalid(outcomeInput, true);
      detailAlert.show(t('sg.outcomeRequired'));
      outcomeInput.focus();
      return;
    }
    void act(resolveButton, 'resolve', outcomeInput.value.trim(), t('sg.resolving'), t('sg.resolvedDone')).then((ok) => ok && (outcomeInput.value = ''));
  });

  revealButton.addEventListener('click', async () => {
    if (isBusy(revealButton) || openId === null || current === null) return;
    revealAlert.clear();
    setInvalid(reasonInput, false);
    const reason = reasonInput.value.trim();
    if (reason.length < 5) {
      setInvalid(reasonInput, true);
      revealAlert.show(t('sg.revealReasonShort'));
      reasonInput.focus();
      return;
    }
    const restore = busy(revealButton, t('sg.revealing'));
    try {
      const contact = await safeguardingApi.revealContact(openId, reason);
      restore();
      reasonInput.value = '';
      replaceChildren(
        revealed,
        h('h4', { tabindex: '-1' }, t('sg.revealedHeading', { name: contact.pseudonym })),
        h(
          'dl',
          null,
          row(t('sg.revealedEmail'), contact.email ? h('a', { href: `mailto:${contact.email}`, 'data-testid': 'revealed-email' }, contact.email) : t('sg.revealedNoEmail')),
        ),
        h('p', { class: 'hint' }, t('sg.revealedRecorded')),
      );
      revealed.hidden = false;
      revealed.querySelector<HTMLElement>('h4')?.focus();
      void refreshDetail();
    } catch (err) {
      restore();
      revealAlert.show(describeError(err));
    }
  });

  return () => {
    detailController?.abort();
    clocks.dispose();
    if (joined && hubId !== null && socket.connected) socket.emit('console:leave', { hub_id: hubId }, () => undefined);
    socket.disconnect();
    socket.removeAllListeners();
  };
}

/** The timeline's event kinds the catalogue has words for. */
function eventLabels(): Record<string, true> {
  const kinds = ['raised', 'pressed_again', 'message_added', 'escalated', 'acknowledged', 'in_progress', 'note', 'resolved', 'contact_revealed', 'redelivery'];
  return Object.fromEntries(kinds.map((k) => [`sg.event.${k}`, true] as const));
}
