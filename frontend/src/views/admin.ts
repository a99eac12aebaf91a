/**
 * Hub administration, the overview (/admin): each hub the person administers, with a way into its settings
 * and its groups (each group's settings page), and the form to create a group. The screens it leads to are
 * views/admin_hub.ts (/admin/hubs/:id) and views/admin_group.ts (/admin/groups/:id).
 */

import { api, describeError, isAbort } from '../api';
import { adminApi } from '../api_admin';
import { append, h, replaceChildren } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t } from '../i18n';
import { hrefFor, type ViewContext } from '../router';
import { adminHubIds, canAdminister, getUser } from '../state';
import type { Hub } from '../types';
import type { AdminGroup } from '../types_admin';
import { groupBadges } from './admin_groups';
import { platformSection } from './admin_platform';

export function adminView({ main, signal, setTitle }: ViewContext): void {
  setTitle(t('admin.title'));
  const user = getUser();
  const heading = h('h1', null, t('admin.title'));
  if (!user || !canAdminister(user)) {
    append(main, heading, h('p', null, t('admin.noAccess')));
    return;
  }

  const alert = new AlertRegion();
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, t('app.loading')));
  append(main, heading, h('p', { class: 'lead' }, t('admin.intro')), alert.el, body);

  api
    .hubs(signal)
    .then(async (hubs) => {
      if (signal.aborted) return;
      const allowed = adminHubIds(user);
      const mine = allowed === null ? hubs : hubs.filter((hub) => allowed.has(hub.id));
      if (mine.length === 0) {
        body.removeAttribute('aria-busy');
        replaceChildren(body, user.is_platform_admin ? platformSection() : null, h('p', null, t('admin.noHubs')));
        return;
      }
      const groups = await Promise.all(mine.map((hub) => adminApi.hubGroups(hub.id, signal)));
      if (signal.aborted) return;
      body.removeAttribute('aria-busy');
      const platform = user.is_platform_admin ? platformSection() : null;
      replaceChildren(body, platform, ...mine.map((hub, i) => hubSection(hub, groups[i] ?? [])), createGroupForm(mine));
    })
    .catch((err: unknown) => {
      if (isAbort(err) || signal.aborted) return;
      body.removeAttribute('aria-busy');
      body.replaceChildren();
      alert.show(describeError(err));
    });

  function hubSection(hub: Hub, groups: AdminGroup[]): HTMLElement {
    const headingId = `hub-${hub.id}-heading`;
    const list =
      groups.length === 0
        ? h('p', { class: 'muted' }, t('adm.overview.noGroups'))
        : h(
            'ul',
            { class: 'admin-list', 'data-testid': `admin-groups-${hub.id}` },
            groups.map((group) =>
              h(
                'li',
                { class: 'admin-item', 'data-testid': `admin-group-${group.id}` },
                h(
                  'a',
                  { href: hrefFor(`/admin/groups/${group.id}`), dir: 'auto', 'data-testid': `admin-group-link-${group.id}` },
                  group.name,
                ),
                ' ',
                groupBadges(group),
              ),
            ),
          );
    return h(
      'section',
      { class: 'admin-section', 'aria-labelledby': headingId },
      h('h2', { id: headingId, dir: 'auto' }, hub.name),
      h(
        'p',
        null,
        h('a', { href: hrefFor(`/admin/hubs/${hub.id}`), 'data-testid': `admin-hub-link-${hub.id}` }, t('adm.overview.hubLink', { hub: hub.name })),
      ),
      h('h3', null, t('adm.overview.groupsHeading', { hub: hub.name })),
      list,
    );
  }

  function createGroupForm(hubs: Hub[]): HTMLElement {
    const formAlert = new AlertRegion();
    const done = new StatusRegion('notice--success');
    const hubSelect = h(
      'select',
      { name: 'hub', 'data-testid': 'hub-select' },
      hubs.map((hub) => h('option', { value: hub.id }, hub.locality ? t('admin.hubOption', { name: hub.name, locality: hub.locality }) : hub.name)),
    );
    const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 120, 'data-testid': 'group-name' });
    const description = h('textarea', { name: 'description', rows: 4, 'data-testid': 'group-description' });
    const agreement = h('textarea', { name: 'agreement', rows: 10, required: true, 'data-testid': 'group-agreement' });
    const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'create-group' }, t('admin.create'));
    const form = h(
      'form',
      { class: 'form', novalidate: true, 'aria-labelledby': 'create-heading' },
      h('h2', { id: 'create-heading' }, t('admin.createHeading')),
      field({ label: t('admin.hub'), control: hubSelect }),
      field({ label: t('admin.groupName'), control: name }),
      field({ label: t('admin.groupDescription'), control: description, hint: t('admin.groupDescription.hint') }),
      field({ label: t('admin.groupAgreement'), control: agreement, hint: t('admin.groupAgreement.hint') }),
      formAlert.el,
      h('div', { class: 'actions' }, submit),
      done.el,
    );

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (isBusy(submit)) return;
      formAlert.clear();
      done.clear();
      const missing: { control: HTMLElement; label: string }[] = [];
      setInvalid(name, false);
      setInvalid(agreement, false);
      if (name.value.trim() === '') missing.push({ control: name, label: t('admin.groupName') });
      if (agreement.value.trim() === '') missing.push({ control: agreement, label: t('admin.groupAgreement') });
      if (missing.length > 0) {
        for (const m of missing) setInvalid(m.control, true);
        formAlert.show(missing.map((m) => t('validation.required', { field: m.label })).join(' '));
        missing[0]?.control.focus();
        return;
      }
      const restore = busy(submit, t('admin.creating'));
      try {
        const group = await api.createGroup(Number(hubSelect.value), {
          name: name.value.trim(),
          description: description.value,
          agreement: agreement.value,
        });
        if (signal.aborted) return;
        restore();
        name.value = '';
        description.value = '';
        agreement.value = '';
        const link = h(
          'a',
          { href: hrefFor(`/groups/${group.id}`), 'data-testid': 'new-group-link' },
          t('admin.openGroup', { name: group.name }),
        );
        const settings = h(
          'a',
          { href: hrefFor(`/admin/groups/${group.id}`), 'data-testid': 'new-group-settings-link' },
          t('adm.overview.settingsLink', { name: group.name }),
        );
        done.show(h('span', null, t('admin.created', { name: group.name })), ' ', link, ' · ', settings);
        link.focus();
      } catch (err) {
        if (signal.aborted) return;
        restore();
        formAlert.show(describeError(err));
      }
    });
    return form;
  }
}
