/**
 * For platform admins, on /admin: open a new hub and give it its first admin, all in the browser
 * (POST /api/hubs, then POST /api/admin/accounts for a new person, then POST /api/hubs/{id}/staff).
 * The hub starts with its country's crisis lines, which its admin can then change.
 */

import { describeError, request } from '../api';
import { h } from '../dom';
import { AlertRegion, busy, field, isBusy, StatusRegion } from '../forms';
import { t } from '../i18n';
import { hrefFor } from '../router';
import type { Hub } from '../types';
import { section, timeZones, viewerZone } from './admin_common';

const COUNTRIES = ['GB', 'IE'];

export function platformSection(): HTMLElement {
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const name = h('input', { type: 'text', required: true, maxlength: 120, 'data-testid': 'new-hub-name' });
  const slug = h('input', { type: 'text', required: true, maxlength: 64, pattern: '[a-z0-9-]+', 'data-testid': 'new-hub-slug' });
  const locality = h('input', { type: 'text', maxlength: 120, 'data-testid': 'new-hub-locality' });
  const zone = h(
    'select',
    { 'data-testid': 'new-hub-zone' },
    timeZones('Europe/London').map((z) => h('option', { value: z, selected: z === (viewerZone() || 'Europe/London') }, z)),
  );
  const country = h('select', { 'data-testid': 'new-hub-country' }, COUNTRIES.map((c) => h('option', { value: c }, c)));
  const admin = h('input', { type: 'text', required: true, maxlength: 32, autocomplete: 'off', 'data-testid': 'new-hub-admin' });
  const password = h('input', { type: 'password', autocomplete: 'new-password', 'data-testid': 'new-hub-admin-password' });
  const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'create-hub' }, t('platform.create'));
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    field({ label: t('platform.name'), control: name }),
    field({ label: t('platform.slug'), control: slug, hint: t('platform.slugHint') }),
    field({ label: t('platform.locality'), control: locality }),
    field({ label: t('platform.zone'), control: zone }),
    field({ label: t('platform.country'), control: country, hint: t('platform.countryHint') }),
    h(
      'fieldset',
      null,
      h('legend', null, t('platform.adminLegend')),
      field({ label: t('platform.adminPseudonym'), control: admin }),
      field({ label: t('platform.adminPassword'), control: password, hint: t('platform.adminPasswordHint') }),
    ),
    alert.el,
    submit,
    done.el,
  );
  name.addEventListener('input', () => {
    if (slug.dataset.touched !== 'true') slug.value = name.value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 64);
  });
  slug.addEventListener('input', () => (slug.dataset.touched = 'true'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(submit)) return;
    alert.clear();
    done.clear();
    if (name.value.trim() === '' || slug.value.trim() === '' || admin.value.trim() === '') {
      alert.show(t('platform.missing'));
      return;
    }
    const restore = busy(submit, t('platform.creating'));
    try {
      const body = { name: name.value, slug: slug.value, locality: locality.value, time_zone: zone.value, country: country.value };
      const { hub } = await request<{ hub: Hub }>('POST', '/api/hubs', body);
      if (password.value !== '') {
        await request('POST', '/api/admin/accounts', { pseudonym: admin.value, password: password.value });
      }
      await request('POST', `/api/hubs/${hub.id}/staff`, { pseudonym: admin.value, role: 'hub_admin' });
      restore();
      done.show(
        t('platform.created', { hub: hub.name, admin: admin.value }),
        ' ',
        h('a', { href: hrefFor(`/admin/hubs/${hub.id}`) }, t('platform.openHub', { hub: hub.name })),
      );
      form.reset();
      delete slug.dataset.touched;
    } catch (err) {
      restore();
      alert.show(describeError(err));
    }
  });
  return section('platform-heading', t('platform.heading'), h('p', null, t('platform.intro')), form);
}
