/**
 * "Debrief waiting": for facilitators with ended sessions (last 30 days) they have not written a debrief of,
 * a link to each. Hidden when there are none (and for everyone who does not facilitate).
 */

import { supervisionApi } from '../api_supervision';
import { h } from '../dom';
import { t, tCount } from '../i18n';
import { hrefFor } from '../router';
import { getUser } from '../state';
import { localText } from '../time';

export function debriefNotice(signal: AbortSignal): HTMLElement {
  const intro = h('p', null);
  const list = h('ul', null);
  const el = h(
    'section',
    { class: 'notice notice--warn', 'aria-labelledby': 'debrief-waiting-heading', hidden: true, 'data-testid': 'debrief-waiting' },
    h('h2', { id: 'debrief-waiting-heading' }, t('sup.pending.heading')),
    intro,
    list,
  );
  const user = getUser();
  if (!user || !user.staff.some((s) => s.role === 'facilitator')) return el;
  supervisionApi
    .pending(signal)
    .then((sessions) => {
      if (signal.aborted) return;
      intro.textContent = tCount(sessions.length, { one: 'sup.pending.intro.one', other: 'sup.pending.intro.other' });
      list.replaceChildren(
        ...sessions.map((session) =>
          h(
            'li',
            null,
            h(
              'a',
              { href: hrefFor(`/debrief/${session.id}`), dir: 'auto', 'data-testid': `debrief-waiting-${session.id}` },
              t('sup.pending.link', { group: session.group_name, time: session.ended_at ? localText(session.ended_at) : '' }),
            ),
          ),
        ),
      );
      el.hidden = sessions.length === 0;
    })
    .catch(() => undefined);
  return el;
}
