/** Hub administration: create a group in a hub the person administers. */

import { api, describeError, isAbort } from '../api';
import { append, h, replaceChildren } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t } from '../i18n';
import { hrefFor, type ViewContext } from '../router';
import { adminHubIds, canAdminister, getUser } from '../state';
import type { Hub } from '../types';

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
    .then((hubs) => {
      if (signal.aborted) return;
      body.removeAttribute('aria-busy');
      const allowed = adminHubIds(user);
      const mine = allowed === null ? hubs : hubs.filter((hub) => allowed.has(hub.id));
      if (mine.length === 0) {
        replaceChildren(body, h('p', null, t('admin.noHubs')));
        return;
      }
      replaceChildren(body, createGroupForm(mine));
    })
    .catch((err: unknown) => {
      if (isAbort(err) || signal.aborted) return;
      body.removeAttribute('aria-busy');
      body.replaceChildren();
      alert.show(describeError(err));
    });

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
        done.show(h('span', null, t('admin.created', { name: group.name })), ' ', link);
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
