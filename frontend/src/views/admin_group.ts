/**
 * A group's administration page (/admin/groups/:id): settings and tags, archiving, the agreement and its
 * history, when it meets, its members and requests to join, and invitation links.
 */

import { adminApi } from '../api_admin';
import { append, h, replaceChildren } from '../dom';
import { AlertRegion } from '../forms';
import { t, tIsolated } from '../i18n';
import { hrefFor, type ViewContext } from '../router';
import { canAdminister, getUser } from '../state';
import type { AdminGroup } from '../types_admin';
import { agreementSection } from './admin_agreement';
import { breadcrumb, loadInto } from './admin_common';
import { archiveSection, groupSettingsSection } from './admin_groups';
import { invitationsSection } from './admin_invites';
import { membersSection, requestsSection } from './admin_members';
import { schedulesSection } from './admin_schedules';

export function adminGroupView({ main, params, signal, setTitle }: ViewContext): void {
  const groupId = params.id ?? 0;
  setTitle(t('admin.title'));
  const heading = h('h1', null, t('admin.title'));
  append(main, breadcrumb('/admin', t('adm.back')));
  if (!canAdminister(getUser())) {
    append(main, heading, h('p', null, t('admin.noAccess')));
    return;
  }
  const alert = new AlertRegion();
  const archivedBanner = h('p', { class: 'notice', hidden: true, 'data-testid': 'group-archived-banner' }, t('adm.group.archivedBanner'));
  const body = h('div', null);
  append(main, heading, alert.el, archivedBanner, body);

  const show = (group: AdminGroup): void => {
    const title = t('adm.group.title', { name: group.name });
    replaceChildren(heading, tIsolated('adm.group.title', { name: group.name }));
    setTitle(title);
    archivedBanner.hidden = !group.archived;
  };

  void loadInto(body, alert, signal, () => adminApi.group(groupId, signal), (group) => {
    show(group);
    const members = membersSection(group.id, signal, group.hub.id);
    return [
      h('p', null, h('a', { href: hrefFor(`/groups/${group.id}`) }, t('adm.group.openPage'))),
      groupSettingsSection(group, show),
      agreementSection(group, show, signal),
      schedulesSection(group.id, group.hub.time_zone, signal),
      members.el,
      requestsSection(group.id, signal, members.reload),
      invitationsSection(group.id, signal),
      archiveSection(group, show, signal),
    ];
  });
}
