/**
 * A hub's safeguarding administration (#/admin/hubs/:id/safeguarding; docs/api.md "Safeguarding"): the
 * escalation (webhook address and signing secret, escalation email, seconds to acknowledge per tier), the dead
 * letters (deliveries that gave up) with Redeliver, and the break-glass log, which nobody can change. Both lists
 * come a page at a time, newest first, with "Show older" under each for the next page.
 */

import { describeError, isAbort } from '../api';
import { adminApi } from '../api_admin';
import { safeguardingApi } from '../api_safeguarding';
import { append, h, replaceChildren } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t, tIsolated } from '../i18n';
import { type ViewContext } from '../router';
import { canAdminister, getUser } from '../state';
import type { BreakGlassEntry, BreakGlassPage, DeadLetterPage, Delivery, EscalationChange, EscalationSettings } from '../types_safeguarding';
import { breadcrumb, loadInto, section, whenElement } from './admin_common';

const TIERS = ['concern', 'high', 'imminent'] as const;
const ACK_LABELS = { concern: 'sg.ackConcern', high: 'sg.ackHigh', imminent: 'sg.ackImminent' } as const;

function escalationForm(hubId: number, start: EscalationSettings): HTMLElement {
  let settings = start;
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const url = h('input', { type: 'url', maxlength: 2000, autocomplete: 'off', spellcheck: 'false', 'data-testid': 'escalation-webhook-url' });
  const secret = h('input', { type: 'password', maxlength: 200, autocomplete: 'new-password', spellcheck: 'false', 'data-testid': 'escalation-webhook-secret' });
  const secretState = h('p', { class: 'hint', 'data-testid': 'escalation-secret-state' });
  const email = h('input', { type: 'email', maxlength: 320, autocomplete: 'off', 'data-testid': 'escalation-email' });
  const seconds = Object.fromEntries(
    TIERS.map((tier) => [tier, h('input', { type: 'number', min: 10, max: 86400, step: 1, inputmode: 'numeric', class: 'input--short', 'data-testid': `escalation-ack-${tier}` })]),
  ) as Record<(typeof TIERS)[number], HTMLInputElement>;
  const fill = (): void => {
    url.value = settings.webhook_url ?? '';
    secret.value = '';
    email.value = settings.escalation_email ?? '';
    secretState.textContent = settings.webhook_secret_set ? t('sg.webhookSecretSet') : t('sg.webhookSecretNotSet');
    for (const tier of TIERS) seconds[tier].value = String(settings.ack_seconds[tier]);
  };
  fill();
  const save = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'escalation-save' }, t('sg.save'));
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    h('p', null, t('sg.escalationIntro')),
    field({ label: t('sg.webhookUrl'), control: url, hint: t('sg.webhookUrlHint') }),
    field({ label: t('sg.webhookSecret'), control: secret, hint: t('sg.webhookSecretHint') }),
    secretState,
    field({ label: t('sg.escalationEmail'), control: email, hint: t('sg.escalationEmailHint') }),
    h(
      'fieldset',
      { class: 'fieldset' },
      h('legend', null, t('sg.ackHeading')),
      TIERS.map((tier) => field({ label: t(ACK_LABELS[tier]), control: seconds[tier], hint: t('sg.ackHint') })),
    ),
    alert.el,
    h('div', { class: 'actions' }, save),
    done.el,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(save)) return;
    alert.clear();
    done.clear();
    const change: EscalationChange = {};
    let bad: HTMLInputElement | null = null;
    for (const tier of TIERS) {
      const input = seconds[tier];
      setInvalid(input, false);
      const n = Number(input.value);
      if (!Number.isInteger(n) || n < 10 || n > 86400) {
        setInvalid(input, true);
        bad ??= input;
        continue;
      }
      if (n !== settings.ack_seconds[tier]) change[`ack_${tier}_seconds`] = n;
    }
    if (bad) {
      alert.show(t('sg.ackRange'));
      bad.focus();
      return;
    }
    if (url.value.trim() !== (settings.webhook_url ?? '')) change.webhook_url = url.value.trim();
    if (secret.value.trim() !== '') change.webhook_secret = secret.value.trim();
    if (email.value.trim() !== (settings.escalation_email ?? '')) change.escalation_email = email.value.trim();
    if (Object.keys(change).length === 0) {
      done.show(t('sg.nothingChanged'));
      return;
    }
    const restore = busy(save, t('sg.saving'));
    try {
      settings = await safeguardingApi.updateEscalation(hubId, change);
      restore();
      fill();
      done.show(t('sg.saved'));
    } catch (err) {
      restore();
      alert.show(describeError(err));
    }
  });
  return form;
}

/**
 * "Show older" under a paged list: a real button that fetches the page before the last row shown and hands its
 * rows to `add` (which appends them and returns the first new element). While more is left, focus stays on the
 * button; once nothing older is left it goes, and focus (if it was on it) moves to the first row just added.
 */
function olderButton<T>(
  label: string,
  testId: string,
  start: number | null,
  load: (beforeId: number) => Promise<{ rows: T[]; next: number | null }>,
  add: (rows: T[]) => HTMLElement | null,
): HTMLElement {
  let next = start;
  const alert = new AlertRegion();
  const status = new StatusRegion();
  const button = h('button', { type: 'button', class: 'button button--small', 'data-testid': testId }, label);
  button.hidden = next === null;
  button.addEventListener('click', async () => {
    if (next === null || isBusy(button)) return;
    alert.clear();
    status.clear();
    const restore = busy(button, t('sg.olderLoading'));
    try {
      const page = await load(next);
      restore();
      next = page.next;
      const first = add(page.rows);
      status.show(next === null ? t('sg.olderAddedLast') : t('sg.olderAdded'));
      if (next === null) {
        const hadFocus = document.activeElement === button;
        button.hidden = true;
        if (hadFocus && first) {
          first.tabIndex = -1;
          first.focus();
        }
      }
    } catch (err) {
      restore();
      if (!isAbort(err)) alert.show(describeError(err));
    }
  });
  return h('div', { class: 'actions' }, button, alert.el, status.el);
}

function deadLetterItem(d: Delivery): HTMLElement {
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const redeliver = h('button', { type: 'button', class: 'button button--small', 'data-testid': 'redeliver' }, t('sg.redeliver'));
  redeliver.addEventListener('click', async () => {
    if (isBusy(redeliver)) return;
    alert.clear();
    const restore = busy(redeliver, t('sg.redelivering'));
    try {
      await safeguardingApi.redeliver(d.id);
      restore();
      redeliver.hidden = true;
      done.show(t('sg.redelivered'));
    } catch (err) {
      restore();
      alert.show(describeError(err));
    }
  });
  return h(
    'li',
    { class: 'admin-item', 'data-testid': 'dead-letter' },
    h('p', null, h('span', { dir: 'auto' }, t('sg.deadItem', { concern: d.concern_id, channel: d.channel, target: d.target, event: d.event, level: d.level })), ' ', whenElement(d.created_at)),
    h('p', { class: 'hint', dir: 'auto' }, t('sg.deadAttempts', { count: d.attempts, error: d.last_error || '–' })),
    redeliver,
    alert.el,
    done.el,
  );
}

function appendAll(into: HTMLElement, items: HTMLElement[]): HTMLElement | null {
  into.append(...items);
  return items[0] ?? null;
}

function deadLetterList(hubId: number, first: DeadLetterPage, signal: AbortSignal): HTMLElement {
  if (first.dead_letters.length === 0) return h('p', { class: 'muted', 'data-testid': 'dead-letters-empty' }, t('sg.deadNone'));
  const list = h('ul', { class: 'admin-list', 'data-testid': 'dead-letters' }, first.dead_letters.map(deadLetterItem));
  const older = olderButton(
    t('sg.deadOlder'),
    'dead-letters-older',
    first.next_before_id,
    async (beforeId) => {
      const page = await safeguardingApi.deadLetters(hubId, beforeId, signal);
      return { rows: page.dead_letters, next: page.next_before_id };
    },
    (rows) => appendAll(list, rows.map(deadLetterItem)),
  );
  return h('div', null, list, older);
}

function breakGlassRow(e: BreakGlassEntry): HTMLElement {
  return h(
    'tr',
    { 'data-testid': 'break-glass-entry' },
    h('td', null, whenElement(e.at)),
    h('td', { dir: 'auto' }, e.actor.pseudonym),
    h('td', { dir: 'auto' }, e.subject.pseudonym),
    h('td', null, String(e.concern_id)),
    h('td', { dir: 'auto', class: 'prewrap' }, e.reason),
  );
}

function breakGlassTable(hubId: number, first: BreakGlassPage, signal: AbortSignal): HTMLElement {
  if (first.entries.length === 0) return h('p', { class: 'muted', 'data-testid': 'break-glass-empty' }, t('sg.logNone'));
  const body = h('tbody', null, first.entries.map(breakGlassRow));
  const table = h(
    'table',
    { class: 'admin-table', 'data-testid': 'break-glass-log' },
    h('caption', { class: 'visually-hidden' }, t('sg.logHeading')),
    h(
      'thead',
      null,
      h('tr', null, [t('sg.logWhen'), t('sg.logWho'), t('sg.logMember'), t('sg.logConcern'), t('sg.logReason')].map((label) => h('th', { scope: 'col' }, label))),
    ),
    body,
  );
  const older = olderButton(
    t('sg.logOlder'),
    'break-glass-older',
    first.next_before_id,
    async (beforeId) => {
      const page = await safeguardingApi.breakGlassLog(hubId, beforeId, signal);
      return { rows: page.entries, next: page.next_before_id };
    },
    (rows) => appendAll(body, rows.map(breakGlassRow)),
  );
  return h('div', null, table, older);
}

export function adminSafeguardingView({ main, params, signal, setTitle }: ViewContext): void {
  const hubId = params.id ?? 0;
  setTitle(t('sg.adminTitleFallback'));
  const heading = h('h1', null, t('sg.adminTitleFallback'));
  append(main, breadcrumb(`/admin/hubs/${hubId}`, t('sg.adminBack')));
  if (!canAdminister(getUser())) {
    append(main, heading, h('p', null, t('admin.noAccess')));
    return;
  }
  const alert = new AlertRegion();
  const escalation = h('div', null);
  const dead = h('div', null);
  const log = h('div', null);
  append(
    main,
    heading,
    alert.el,
    section('escalation-heading', t('sg.escalationHeading'), escalation),
    section('dead-letters-heading', t('sg.deadHeading'), h('p', { class: 'hint' }, t('sg.deadIntro')), dead),
    section('break-glass-heading', t('sg.logHeading'), h('p', { class: 'hint' }, t('sg.logIntro')), log),
  );
  void adminApi
    .hub(hubId, signal)
    .then((hub) => {
      if (signal.aborted) return;
      const title = t('sg.adminTitle', { hub: hub.name });
      replaceChildren(heading, tIsolated('sg.adminTitle', { hub: hub.name }));
      setTitle(title);
    })
    .catch(() => undefined);
  const escalationAlert = new AlertRegion();
  const deadAlert = new AlertRegion();
  const logAlert = new AlertRegion();
  escalation.before(escalationAlert.el);
  dead.before(deadAlert.el);
  log.before(logAlert.el);
  void loadInto(escalation, escalationAlert, signal, () => safeguardingApi.escalation(hubId, signal), (settings) => escalationForm(hubId, settings));
  void loadInto(dead, deadAlert, signal, () => safeguardingApi.deadLetters(hubId, null, signal), (page) => deadLetterList(hubId, page, signal));
  void loadInto(log, logAlert, signal, () => safeguardingApi.breakGlassLog(hubId, null, signal), (page) => breakGlassTable(hubId, page, signal));
}
