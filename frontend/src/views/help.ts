/** "Get help now" (#/help, for everyone): every hub's crisis lines, the hubs of the person's groups first. */

import { api, describeError, isAbort } from '../api';
import { memberApi } from '../api_member';
import { append, h, replaceChildren } from '../dom';
import { AlertRegion } from '../forms';
import { t, tIsolated } from '../i18n';
import { type ViewContext } from '../router';
import { getUser } from '../state';
import type { PublicHub } from '../types_member';
import { crisisLineList } from './crisis';

/** The hubs of the signed-in person's groups first (best effort: on any failure, the server's order). */
async function ordered(hubs: PublicHub[], signal: AbortSignal): Promise<PublicHub[]> {
  if (hubs.length < 2 || getUser() === null) return hubs;
  try {
    const mine = new Set((await api.groups(signal)).filter((g) => g.membership !== null || g.my_role !== null).map((g) => g.hub.id));
    return [...hubs.filter((hub) => mine.has(hub.id)), ...hubs.filter((hub) => !mine.has(hub.id))];
  } catch {
    return hubs;
  }
}

export function helpView({ main, signal, setTitle }: ViewContext): void {
  setTitle(t('help.title'));
  const alert = new AlertRegion();
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, t('app.loading')));
  append(
    main,
    h('h1', null, t('help.title')),
    h('p', { class: 'callout callout--danger', 'data-testid': 'emergency-note' }, h('strong', null, t('help.emergency'))),
    h('p', { class: 'lead' }, t('help.intro')),
    alert.el,
    body,
  );

  memberApi
    .publicHubs(signal)
    .then(async (hubs) => await ordered(hubs, signal))
    .then((hubs) => {
      if (signal.aborted) return;
      body.removeAttribute('aria-busy');
      if (hubs.length === 0) {
        replaceChildren(body, h('p', null, t('help.noHubs')));
        return;
      }
      replaceChildren(
        body,
        hubs.map((hub) =>
          h(
            'section',
            { class: 'panel', 'aria-labelledby': `help-hub-${hub.id}` },
            h('h2', { id: `help-hub-${hub.id}` }, tIsolated('help.hubLines', { hub: hub.name })),
            crisisLineList(hub.crisis_lines, 'h3'),
          ),
        ),
      );
    })
    .catch((err: unknown) => {
      if (isAbort(err) || signal.aborted) return;
      body.removeAttribute('aria-busy');
      body.replaceChildren();
      alert.show(`${describeError(err)} ${t('help.loadFailed')}`);
    });
}
