/**
 * The front door (#/ before signing in): what this place is, that it is peer support and not a crisis
 * service, each hub's crisis lines, and its listed groups with when they next meet, each a step from joining.
 */

import { describeError, isAbort } from '../api';
import { memberApi } from '../api_member';
import { append, h, replaceChildren } from '../dom';
import { AlertRegion } from '../forms';
import { t } from '../i18n';
import { whenSentence } from '../meetings';
import { hrefFor, withQuery, type ViewContext } from '../router';
import type { PublicGroup, PublicHub } from '../types_member';
import { crisisLineList } from './crisis';
import { tagList } from './directory';

function groupItem(group: PublicGroup): HTMLLIElement {
  const headingId = `landing-group-${group.id}`;
  const next = `/groups/${group.id}`;
  return h(
    'li',
    { class: 'card', 'data-testid': 'landing-group' },
    h(
      'article',
      { 'aria-labelledby': headingId },
      h('h4', { class: 'card__title', id: headingId, dir: 'auto' }, group.name),
      group.next_session
        ? h('p', { class: 'card__next', 'data-testid': 'next-session' }, whenSentence('meeting.next', group.next_session.starts_at))
        : h('p', { class: 'card__next muted' }, t('meeting.noneScheduled')),
      tagList(group.tags),
      group.description ? h('p', { class: 'card__description prewrap', dir: 'auto' }, group.description) : null,
      h(
        'p',
        { class: 'actions' },
        h(
          'a',
          { class: 'button button--primary', href: hrefFor(withQuery('/signup', { next })), 'data-testid': `join-${group.id}` },
          t('landing.join'),
          h('span', { class: 'visually-hidden' }, ` ${group.name}`),
        ),
        h(
          'a',
          { class: 'button', href: hrefFor(withQuery('/signin', { next })) },
          t('landing.signInToJoin'),
          h('span', { class: 'visually-hidden' }, ` ${group.name}`),
        ),
      ),
    ),
  );
}

function hubSection(hub: PublicHub, groups: readonly PublicGroup[]): HTMLElement {
  const id = `landing-hub-${hub.id}`;
  return h(
    'section',
    { class: 'hub', 'aria-labelledby': id, 'data-testid': 'landing-hub' },
    h('h2', { id, dir: 'auto' }, hub.name),
    hub.locality ? h('p', { class: 'muted', dir: 'auto' }, hub.locality) : null,
    hub.about ? h('p', { class: 'prewrap hub__about', dir: 'auto' }, hub.about) : null,
    h(
      'section',
      { class: 'panel panel--help', 'aria-labelledby': `${id}-help` },
      h('h3', { id: `${id}-help` }, t('landing.helpNow')),
      h('p', null, t('landing.helpNowIntro')),
      crisisLineList(hub.crisis_lines, 'h4'),
    ),
    h(
      'section',
      { 'aria-labelledby': `${id}-groups` },
      h('h3', { id: `${id}-groups` }, t('landing.groups')),
      groups.length > 0 ? h('ul', { class: 'cards', role: 'list' }, groups.map(groupItem)) : h('p', null, t('landing.noGroups')),
    ),
  );
}

export function landingView({ main, signal, setTitle }: ViewContext): void {
  setTitle(t('landing.title'));
  const alert = new AlertRegion();
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, t('app.loading')));
  append(
    main,
    h('h1', null, t('landing.title')),
    h('p', { class: 'lead' }, t('landing.intro')),
    h(
      'p',
      { class: 'callout callout--danger', 'data-testid': 'not-crisis' },
      h('strong', null, t('landing.notCrisis')),
      ' ',
      t('landing.inDanger'),
    ),
    h(
      'p',
      { 'data-testid': 'your-words' },
      t('landing.yourWords'),
      ' ',
      h('a', { href: hrefFor('/privacy') }, t('landing.readPrivacy')),
    ),
    h(
      'p',
      { class: 'actions' },
      h('a', { class: 'button button--primary', href: hrefFor('/signup') }, t('landing.signUp')),
      h('a', { class: 'button', href: hrefFor('/signin') }, t('landing.signIn')),
    ),
    alert.el,
    body,
  );

  Promise.all([memberApi.publicHubs(signal), memberApi.publicGroups(signal)])
    .then(([hubs, groups]) => {
      if (signal.aborted) return;
      body.removeAttribute('aria-busy');
      replaceChildren(
        body,
        hubs.map((hub) => hubSection(hub, groups.filter((g) => g.hub.id === hub.id))),
      );
    })
    .catch((err: unknown) => {
      if (isAbort(err) || signal.aborted) return;
      body.removeAttribute('aria-busy');
      body.replaceChildren();
      alert.show(`${describeError(err)} ${t('help.loadFailed')}`);
    });
}
