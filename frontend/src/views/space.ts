/**
 * The facilitators' space (GET /api/facilitators-space): a standing room where facilitators with current
 * training, from every hub, share practice. This page finds it and takes the facilitator into its room, or
 * says plainly why they cannot enter (training not current, or no space opened yet).
 */

import { request } from '../api';
import { append, h } from '../dom';
import { t } from '../i18n';
import { hrefFor, navigate, type ViewContext } from '../router';
import type { Group } from '../types';

export function spaceView({ main, signal, setTitle }: ViewContext): void {
  setTitle(t('space.title'));
  const status = h('p', { role: 'status' }, t('app.loading'));
  append(main, h('h1', null, t('space.title')), h('p', { class: 'lead' }, t('space.intro')), status);
  request<{ group: Group }>('GET', '/api/facilitators-space', undefined, { signal })
    .then(({ group }) => {
      if (!signal.aborted) navigate(`/rooms/${group.id}`);
    })
    .catch(() => {
      if (signal.aborted) return;
      status.textContent = t('space.unavailable');
      append(main, h('p', null, h('a', { href: hrefFor('/account') }, t('space.checkTraining'))));
    });
}
