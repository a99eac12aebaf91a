/**
 * Supervision (/supervision), for a hub's senior peers and hub admins: facilitators' debriefs (waiting ones
 * first) to read and mark discussed, and, for hub admins, attendance as counts over a date range.
 */

import { api, describeError, isAbort } from '../api';
import {
  supervisionApi,
  type AttendanceReport,
  type Debrief,
  type DebriefStatus,
} from '../api_supervision';
import { announce, append, h, replaceChildren, uid } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid } from '../forms';
import { formatNumber, locale, t, tIsolated, type MessageKey } from '../i18n';
import type { ViewContext } from '../router';
import { canSupervise, getUser, isSupervisingRole } from '../state';
import { timeElement } from '../time';
import type { Hub, User } from '../types';
import { sessionLine } from './debrief';

const WINDOW_DAYS_MAX = 366;

function rolesIn(user: User, hubId: number): Set<string> {
  return new Set(user.staff.filter((s) => s.hub_id === hubId).map((s) => s.role));
}

/** A local calendar day as YYYY-MM-DD. */
function dayText(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const QUESTIONS: readonly ['how_it_went' | 'follow_up' | 'wellbeing', MessageKey][] = [
  ['how_it_went', 'sup.debrief.howItWent'],
  ['follow_up', 'sup.debrief.followUp'],
  ['wellbeing', 'sup.debrief.wellbeing'],
];

export function supervisionView({ main, signal, setTitle }: ViewContext): void {
  setTitle(t('sup.title'));
  const user = getUser();
  const heading = h('h1', null, t('sup.title'));
  if (!user || !canSupervise(user)) {
    append(main, heading, h('p', null, t('sup.noAccess')));
    return;
  }
  const alert = new AlertRegion();
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, t('app.loading')));
  append(main, heading, h('p', { class: 'lead' }, t('sup.intro')), alert.el, body);

  api
    .hubs(signal)
    .then((hubs) => {
      if (signal.aborted) return;
      body.removeAttribute('aria-busy');
      const mine = user.is_platform_admin
        ? hubs
        : hubs.filter((hub) => [...rolesIn(user, hub.id)].some(isSupervisingRole));
      if (mine.length === 0) {
        replaceChildren(body, h('p', null, t('sup.noHubs')));
        return;
      }
      replaceChildren(body, ...mine.map((hub) => hubSection(user, hub)));
    })
    .catch((err: unknown) => {
      if (isAbort(err) || signal.aborted) return;
      body.removeAttribute('aria-busy');
      body.replaceChildren();
      alert.show(describeError(err));
    });

  function hubSection(user: User, hub: Hub): HTMLElement {
    const headingId = `sup-hub-${hub.id}`;
    const isAdmin = user.is_platform_admin || rolesIn(user, hub.id).has('hub_admin');
    return h(
      'section',
      { class: 'admin-section', 'aria-labelledby': headingId },
      h('h2', { id: headingId, dir: 'auto' }, hub.name),
      debriefsSection(hub),
      isAdmin ? attendanceSection(hub) : null,
    );
  }

  function debriefsSection(hub: Hub): HTMLElement {
    const headingId = `sup-debriefs-${hub.id}`;
    const listAlert = new AlertRegion();
    const list = h('div', { 'data-testid': `debriefs-${hub.id}` });
    const statuses: [DebriefStatus, MessageKey][] = [
      ['open', 'sup.filter.open'],
      ['discussed', 'sup.filter.discussed'],
      ['all', 'sup.filter.all'],
    ];
    const radios = statuses.map(([value, label]) => {
      const input = h('input', {
        type: 'radio',
        name: `sup-filter-${hub.id}`,
        id: uid('sup-filter'),
        value,
        checked: value === 'open',
        'data-testid': `debrief-filter-${value}`,
      });
      input.addEventListener('change', () => {
        if (input.checked) load(value);
      });
      return h('div', { class: 'checkbox' }, input, h('label', { for: input.id }, t(label)));
    });
    const filter = h('fieldset', { class: 'fieldset' }, h('legend', null, t('sup.filter.legend')), radios);

    let loading: AbortController | null = null;
    function load(status: DebriefStatus): void {
      loading?.abort();
      const mine = new AbortController();
      loading = mine;
      signal.addEventListener('abort', () => mine.abort(), { once: true });
      listAlert.clear();
      list.setAttribute('aria-busy', 'true');
      supervisionApi
        .hubDebriefs(hub.id, status, mine.signal)
        .then((debriefs) => {
          if (mine.signal.aborted) return;
          list.removeAttribute('aria-busy');
          if (debriefs.length === 0) {
            replaceChildren(list, h('p', { class: 'muted' }, t(status === 'open' ? 'sup.debriefs.noneOpen' : 'sup.debriefs.none')));
            return;
          }
          replaceChildren(list, h('ul', { class: 'admin-list' }, debriefs.map((d) => debriefItem(d, listAlert))));
        })
        .catch((err: unknown) => {
          if (isAbort(err) || mine.signal.aborted) return;
          list.removeAttribute('aria-busy');
          list.replaceChildren();
          listAlert.show(describeError(err));
        });
    }
    load('open');

    return h(
      'section',
      { 'aria-labelledby': headingId },
      h('h3', { id: headingId }, t('sup.debriefs.heading')),
      filter,
      listAlert.el,
      list,
    );
  }

  function debriefItem(debrief: Debrief, listAlert: AlertRegion): HTMLLIElement {
    const headingId = `debrief-${debrief.id}-heading`;
    const status = h('dd', null);
    const actions = h('div', { class: 'actions' });
    const item = h(
      'li',
      { class: 'admin-item', 'data-testid': `debrief-${debrief.id}` },
      h(
        'article',
        { 'aria-labelledby': headingId },
        h('h4', { id: headingId }, tIsolated('sup.item.heading', { group: debrief.session.group_name, name: debrief.author.pseudonym })),
        sessionLine(debrief.session),
        debrief.session.end_reason === 'no_facilitator' ? h('p', { class: 'muted' }, t('sup.item.endedAlone')) : null,
        h(
          'dl',
          null,
          h('dt', null, t('sup.item.written')),
          h('dd', null, timeElement(debrief.created_at)),
          h('dt', null, t('sup.item.status')),
          status,
        ),
        QUESTIONS.map(([name, label]) => [
          h('h5', null, t(label)),
          h('p', { class: 'prewrap', dir: 'auto' }, debrief[name] || t('sup.debrief.empty')),
        ]),
        actions,
      ),
    );
    function show(current: Debrief): void {
      if (current.discussed_at) {
        replaceChildren(
          status,
          h('span', null, tIsolated('sup.item.discussedBy', { name: current.discussed_by?.pseudonym ?? '' })),
          ' ',
          timeElement(current.discussed_at),
        );
        actions.replaceChildren();
        return;
      }
      replaceChildren(status, h('span', { class: 'badge' }, t('sup.item.waiting')));
      const mark = h('button', { type: 'button', class: 'button', 'data-testid': `mark-discussed-${current.id}` }, t('sup.markDiscussed'));
      mark.addEventListener('click', () => {
        if (isBusy(mark)) return;
        listAlert.clear();
        const restore = busy(mark, t('sup.marking'));
        supervisionApi
          .markDiscussed(current.id)
          .then((updated) => {
            restore();
            if (signal.aborted) return;
            show(updated);
            announce(t('sup.marked', { name: updated.author.pseudonym }));
            item.querySelector<HTMLElement>('h4')?.setAttribute('tabindex', '-1');
            item.querySelector<HTMLElement>('h4')?.focus();
          })
          .catch((err: unknown) => {
            restore();
            if (!signal.aborted) listAlert.show(describeError(err));
          });
      });
      replaceChildren(actions, mark);
    }
    show(debrief);
    return item;
  }

  function attendanceSection(hub: Hub): HTMLElement {
    const headingId = `sup-attendance-${hub.id}`;
    const today = new Date();
    const start = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 27);
    const from = h('input', { type: 'date', name: 'from', required: true, value: dayText(start), 'data-testid': `attendance-from-${hub.id}` });
    const to = h('input', { type: 'date', name: 'to', required: true, value: dayText(today), 'data-testid': `attendance-to-${hub.id}` });
    const submit = h('button', { type: 'submit', class: 'button' }, t('sup.attendance.show'));
    const formAlert = new AlertRegion();
    const result = h('div', { 'data-testid': `attendance-${hub.id}` });
    const form = h(
      'form',
      { class: 'filters', novalidate: true, 'aria-label': t('sup.attendance.heading') },
      field({ label: t('sup.attendance.from'), control: from }),
      field({ label: t('sup.attendance.to'), control: to }),
      h('div', { class: 'actions' }, submit),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (isBusy(submit)) return;
      load();
    });

    function load(): void {
      formAlert.clear();
      const span = from.value && to.value ? daysBetween(from.value, to.value) : NaN;
      const bad = !(span >= 0 && span < WINDOW_DAYS_MAX);
      setInvalid(from, bad);
      setInvalid(to, bad);
      if (bad) {
        formAlert.show(t('sup.attendance.badRange'));
        from.focus();
        return;
      }
      const restore = busy(submit, t('app.loading'));
      result.setAttribute('aria-busy', 'true');
      supervisionApi
        .attendance(hub.id, from.value, to.value, signal)
        .then((report) => {
          restore();
          if (signal.aborted) return;
          result.removeAttribute('aria-busy');
          replaceChildren(result, h('p', { class: 'hint' }, t('sup.attendance.intro', { zone: report.time_zone })), tables(report));
        })
        .catch((err: unknown) => {
          restore();
          if (isAbort(err) || signal.aborted) return;
          result.removeAttribute('aria-busy');
          formAlert.show(describeError(err));
        });
    }
    load();

    return h(
      'section',
      { 'aria-labelledby': headingId },
      h('h3', { id: headingId }, t('sup.attendance.heading')),
      form,
      formAlert.el,
      result,
    );
  }

  function tables(report: AttendanceReport): HTMLElement[] {
    if (report.sessions.length === 0) return [h('p', { class: 'muted' }, t('sup.attendance.none'))];
    const th = (key: MessageKey): HTMLTableCellElement => h('th', { scope: 'col' }, t(key));
    const num = (n: number): HTMLTableCellElement => h('td', null, formatNumber(n));
    const sessions = h(
      'table',
      { class: 'admin-table', 'data-testid': 'attendance-sessions' },
      h('caption', null, t('sup.attendance.sessionsCaption')),
      h('thead', null, h('tr', null, th('sup.col.started'), th('sup.col.group'), th('sup.col.ended'), th('sup.col.members'), th('sup.col.facilitators'), th('sup.col.newcomers'))),
      h(
        'tbody',
        null,
        report.sessions.map((s) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, timeElement(s.opened_at)),
            h('td', { dir: 'auto' }, s.group_name),
            h('td', null, s.ended_at ? timeElement(s.ended_at) : t('sup.attendance.running')),
            num(s.members),
            num(s.facilitators),
            num(s.newcomers),
          ),
        ),
      ),
    );
    const weekly = h(
      'table',
      { class: 'admin-table', 'data-testid': 'attendance-weekly' },
      h('caption', null, t('sup.attendance.weeklyCaption')),
      h('thead', null, h('tr', null, th('sup.col.week'), th('sup.col.group'), th('sup.col.sessions'), th('sup.col.members'), th('sup.col.newcomers'))),
      h(
        'tbody',
        null,
        report.weekly.map((w) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, h('time', { datetime: w.week_of }, weekText(w.week_of))),
            h('td', { dir: 'auto' }, w.group_name),
            num(w.sessions),
            num(w.members),
            num(w.newcomers),
          ),
        ),
      ),
    );
    return [sessions, weekly];
  }
}

const weekFormat = new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' });

/** A calendar day (YYYY-MM-DD, the hub's) in the viewer's language, without shifting it across zones. */
function weekText(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : weekFormat.format(date);
}
