/**
 * The group directory (GET /api/groups): a filter form whose state lives in the address (#/groups?tag=…), so a
 * filtered list can be shared and survives a reload; the person's own groups first, then the others.
 */

import { api, describeError, isAbort } from '../api';
import { memberApi } from '../api_member';
import { announce, append, h, replaceChildren } from '../dom';
import { AlertRegion, field } from '../forms';
import { locale, t, tCount, tIsolated, type MessageKey } from '../i18n';
import { whenSentence } from '../meetings';
import { hrefFor, withQuery, type ViewContext } from '../router';
import type { Group, Hub } from '../types';
import type { DirectoryFilter, GroupDetails } from '../types_member';

export function liveBadge(): HTMLSpanElement {
  return h('span', { class: 'badge badge--live' }, h('span', { class: 'badge__dot', 'aria-hidden': 'true' }), t('groups.liveNow'));
}

/** A group's focus tags as a list (people's own words: their direction is their own). */
export function tagList(tags: readonly string[]): HTMLUListElement | null {
  if (tags.length === 0) return null;
  return h(
    'ul',
    { class: 'tags', 'aria-label': t('groups.tags'), role: 'list' },
    tags.map((tag) => h('li', { class: 'tag', dir: 'auto' }, tag)),
  );
}

/** "Hub: <name>, <locality>", the hub's own words isolated (tIsolated) inside the interface's sentence. */
function hubLine(group: Group): (string | HTMLElement)[] {
  return group.hub.locality
    ? tIsolated('groups.hubWithLocality', { hub: group.hub.name, locality: group.hub.locality })
    : tIsolated('groups.hub', { hub: group.hub.name });
}

/** Whether the group is the person's own: a member, or staff of its hub (the server lists these first). */
function isOwn(group: GroupDetails): boolean {
  return group.membership !== null || group.my_role !== null;
}

function groupCard(group: GroupDetails): HTMLLIElement {
  const live = group.session?.status === 'live' || group.session?.status === 'paused';
  const headingId = `group-${group.id}-name`;
  return h(
    'li',
    { class: `card${live ? ' card--live' : ''}`, 'data-testid': 'directory-group' },
    h(
      'article',
      { 'aria-labelledby': headingId },
      h(
        'h3',
        { class: 'card__title', id: headingId },
        h('a', { href: hrefFor(`/groups/${group.id}`), 'data-testid': `group-link-${group.id}`, dir: 'auto' }, group.name),
      ),
      h('p', { class: 'card__hub' }, hubLine(group)),
      h(
        'p',
        { class: 'card__status' },
        live ? liveBadge() : null,
        group.next_session
          ? h('span', { 'data-testid': 'next-session' }, whenSentence('meeting.next', group.next_session.starts_at))
          : live
            ? null
            : h('span', { class: 'muted' }, t('meeting.noneScheduled')),
        group.membership?.current ? h('span', { class: 'badge' }, t('groups.member')) : null,
        !group.membership && group.join_request?.status === 'pending' ? h('span', { class: 'badge' }, t('groups.requestPending')) : null,
      ),
      tagList(group.tags),
      group.description ? h('p', { class: 'card__description prewrap', dir: 'auto' }, group.description) : null,
    ),
  );
}

// ---- The filter form ------------------------------------------------------------------------------

/** Times of day as the hub's local "HH:MM" ranges the server filters on (GET /api/groups from_time/to_time). */
const TIMES_OF_DAY: Readonly<Record<string, { from: string; to: string; label: MessageKey }>> = {
  morning: { from: '05:00', to: '11:59', label: 'groups.filter.morning' },
  afternoon: { from: '12:00', to: '16:59', label: 'groups.filter.afternoon' },
  evening: { from: '17:00', to: '23:59', label: 'groups.filter.evening' },
};

interface FilterState {
  tag: string;
  weekday: string;
  time: string;
  hub: string;
}

function stateFrom(query: URLSearchParams): FilterState {
  const weekday = query.get('weekday') ?? '';
  const time = query.get('time') ?? '';
  const hub = query.get('hub') ?? '';
  return {
    tag: (query.get('tag') ?? '').slice(0, 40),
    weekday: /^[0-6]$/.test(weekday) ? weekday : '',
    time: Object.prototype.hasOwnProperty.call(TIMES_OF_DAY, time) ? time : '',
    hub: /^[1-9][0-9]{0,9}$/.test(hub) ? hub : '',
  };
}

function toFilter(state: FilterState): DirectoryFilter {
  const filter: DirectoryFilter = {};
  if (state.tag) filter.tag = state.tag;
  if (state.weekday) filter.weekday = Number(state.weekday);
  if (state.hub) filter.hub = Number(state.hub);
  const range = state.time ? TIMES_OF_DAY[state.time] : undefined;
  if (range) {
    filter.from_time = range.from;
    filter.to_time = range.to;
  }
  return filter;
}

function isFiltered(state: FilterState): boolean {
  return Boolean(state.tag || state.weekday || state.time || state.hub);
}

/** Weekday names in the viewer's language, Monday first (0 = Monday, as the server counts). */
function weekdayNames(): string[] {
  const names = new Intl.DateTimeFormat(locale(), { weekday: 'long', timeZone: 'UTC' });
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) => names.format(new Date(Date.UTC(2024, 0, 1 + i))));
}

function option(value: string, label: string, selected: string): HTMLOptionElement {
  return h('option', { value, selected: value === selected }, label);
}

function select(name: string, testid: string, options: HTMLOptionElement[]): HTMLSelectElement {
  return h('select', { name, 'data-testid': testid }, options);
}

export function directoryView({ main, signal, setTitle, query }: ViewContext): void {
  setTitle(t('groups.title'));
  let state = stateFrom(query);
  const alert = new AlertRegion();
  const list = h('div', { class: 'directory', 'aria-busy': 'true' }, h('p', { class: 'loading' }, t('app.loading')));
  const count = h('p', { class: 'directory__count', 'data-testid': 'directory-count' });

  const tagSelect = select('tag', 'filter-tag', [option('', t('groups.filter.anyTag'), state.tag)]);
  const weekdaySelect = select('weekday', 'filter-weekday', [
    option('', t('groups.filter.anyDay'), state.weekday),
    ...weekdayNames().map((name, i) => option(String(i), name, state.weekday)),
  ]);
  const timeSelect = select('time', 'filter-time', [
    option('', t('groups.filter.anyTime'), state.time),
    ...Object.entries(TIMES_OF_DAY).map(([value, range]) => option(value, t(range.label), state.time)),
  ]);
  const hubSelect = select('hub', 'filter-hub', [option('', t('groups.filter.anyHub'), state.hub)]);
  const clear = h('a', { class: 'button button--quiet', href: hrefFor('/groups'), 'data-testid': 'filter-clear' }, t('groups.filter.clear'));
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-labelledby': 'filters-heading' },
    h('h2', { id: 'filters-heading' }, t('groups.filter.heading')),
    h(
      'div',
      { class: 'filters__fields' },
      field({ label: t('groups.filter.tag'), control: tagSelect }),
      field({ label: t('groups.filter.weekday'), control: weekdaySelect }),
      field({ label: t('groups.filter.time'), control: timeSelect, hint: t('groups.filter.timeHint') }),
      field({ label: t('groups.filter.hub'), control: hubSelect }),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'filter-apply' }, t('groups.filter.apply')),
      clear,
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state = { tag: tagSelect.value, weekday: weekdaySelect.value, time: timeSelect.value, hub: hubSelect.value };
    // The address holds the filter, so it can be shared and survives a reload; the list is refreshed in
    // place so focus stays here. Back goes to the previous filter (the router shows it afresh).
    window.history.pushState(null, '', hrefFor(withQuery('/groups', { ...state })));
    void load();
  });

  append(main, h('h1', null, t('groups.title')), h('p', { class: 'lead' }, t('groups.intro')), form, alert.el, count, list);

  let choicesFilled = false;
  function fillChoices(everyTag: string[], hubs: Hub[]): void {
    if (choicesFilled) return;
    choicesFilled = true;
    const tags = new Set(everyTag);
    if (state.tag) tags.add(state.tag);
    const sorted = [...tags].sort((a, b) => a.localeCompare(b));
    tagSelect.append(...sorted.map((tag) => h('option', { value: tag, selected: tag === state.tag, dir: 'auto' }, tag)));
    hubSelect.append(
      ...hubs.map((hub) => h('option', { value: String(hub.id), selected: String(hub.id) === state.hub, dir: 'auto' }, hub.name)),
    );
  }

  function section(key: MessageKey, id: string, groups: GroupDetails[]): HTMLElement | null {
    if (groups.length === 0) return null;
    return h(
      'section',
      { 'aria-labelledby': id, 'data-testid': id },
      h('h2', { id }, t(key)),
      h('ul', { class: 'cards', role: 'list' }, groups.map(groupCard)),
    );
  }

  let loads = 0;
  async function load(): Promise<void> {
    const mine = ++loads;
    const filtered = isFiltered(state);
    clear.hidden = !filtered;
    list.setAttribute('aria-busy', 'true');
    alert.clear();
    try {
      const [groups, all, hubs] = await Promise.all([
        memberApi.groups(toFilter(state), signal),
        // Every tag to choose from, whatever is filtered now (once).
        filtered && !choicesFilled ? memberApi.groups({}, signal) : null,
        choicesFilled ? [] : api.hubs(signal),
      ]);
      if (signal.aborted || mine !== loads) return;
      list.removeAttribute('aria-busy');
      fillChoices((all ?? groups).flatMap((g) => g.tags), hubs);
      const summary = filtered ? tCount(groups.length, { one: 'groups.found.one', other: 'groups.found.other' }) : '';
      count.textContent = summary;
      if (filtered) announce(summary);
      if (groups.length === 0) {
        replaceChildren(list, h('p', null, filtered ? t('groups.noMatch') : t('groups.empty')));
        return;
      }
      // The server lists the person's own groups first, then by name.
      const own = groups.filter(isOwn);
      const others = groups.filter((g) => !isOwn(g));
      replaceChildren(
        list,
        section('groups.yours', 'groups-yours', own),
        section(own.length > 0 ? 'groups.others' : 'groups.toExplore', 'groups-others', others),
      );
    } catch (err) {
      if (isAbort(err) || signal.aborted || mine !== loads) return;
      list.removeAttribute('aria-busy');
      list.replaceChildren();
      alert.show(describeError(err));
    }
  }

  void load();
}
