/** The group directory (GET /api/groups). */

import { api, describeError, isAbort } from '../api';
import { append, h, replaceChildren } from '../dom';
import { AlertRegion } from '../forms';
import { t } from '../i18n';
import { hrefFor, type ViewContext } from '../router';
import { localText } from '../time';
import type { Group } from '../types';

export function liveBadge(): HTMLSpanElement {
  return h('span', { class: 'badge badge--live' }, h('span', { class: 'badge__dot', 'aria-hidden': 'true' }), t('groups.liveNow'));
}

function hubLine(group: Group): string {
  return group.hub.locality
    ? t('groups.hubWithLocality', { hub: group.hub.name, locality: group.hub.locality })
    : t('groups.hub', { hub: group.hub.name });
}

function groupCard(group: Group): HTMLLIElement {
  const live = group.session?.status === 'live';
  const scheduled = group.session?.status === 'scheduled' && group.session.scheduled_for;
  const headingId = `group-${group.id}-name`;
  return h(
    'li',
    { class: `card${live ? ' card--live' : ''}` },
    h(
      'article',
      { 'aria-labelledby': headingId },
      h(
        'h2',
        { class: 'card__title', id: headingId },
        h('a', { href: hrefFor(`/groups/${group.id}`), 'data-testid': `group-link-${group.id}` }, group.name),
      ),
      h('p', { class: 'card__hub' }, hubLine(group)),
      h(
        'p',
        { class: 'card__status' },
        live ? liveBadge() : null,
        !live && scheduled && group.session?.scheduled_for
          ? h('span', null, t('groups.nextSession', { time: localText(group.session.scheduled_for) }))
          : null,
        group.membership?.current ? h('span', { class: 'badge' }, t('groups.member')) : null,
      ),
      group.description ? h('p', { class: 'card__description prewrap' }, group.description) : null,
    ),
  );
}

export function directoryView({ main, signal, setTitle }: ViewContext): void {
  setTitle(t('groups.title'));
  const alert = new AlertRegion();
  const list = h('div', { class: 'directory', 'aria-busy': 'true' }, h('p', { class: 'loading' }, t('app.loading')));
  append(main, h('h1', null, t('groups.title')), h('p', { class: 'lead' }, t('groups.intro')), alert.el, list);

  api
    .groups(signal)
    .then((groups) => {
      if (signal.aborted) return;
      list.removeAttribute('aria-busy');
      if (groups.length === 0) {
        replaceChildren(list, h('p', null, t('groups.empty')));
        return;
      }
      // Live groups first, then by name, so a session in progress is easy to find.
      const sorted = [...groups].sort((a, b) => {
        const la = a.session?.status === 'live' ? 0 : 1;
        const lb = b.session?.status === 'live' ? 0 : 1;
        return la - lb || a.name.localeCompare(b.name);
      });
      replaceChildren(list, h('ul', { class: 'cards' }, sorted.map(groupCard)));
    })
    .catch((err: unknown) => {
      if (isAbort(err) || signal.aborted) return;
      list.removeAttribute('aria-busy');
      list.replaceChildren();
      alert.show(describeError(err));
    });
}
