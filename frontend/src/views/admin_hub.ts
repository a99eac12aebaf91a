/**
 * A hub's administration page (/admin/hubs/:id): its settings (name, locality, time zone, about, country,
 * pause grace), its privacy notice, terms and retention (./admin_notices.ts), its crisis lines, its staff and
 * their training. The two-factor rule stays on the account page.
 */

import { describeError } from '../api';
import { adminApi } from '../api_admin';
import { append, h } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t } from '../i18n';
import { hrefFor, type ViewContext } from '../router';
import { canAdminister, getUser } from '../state';
import type { HubAdminSettings, HubSettingsChange } from '../types_admin';
import { breadcrumb, loadInto, section, timeZones } from './admin_common';
import { crisisLinesSection } from './admin_crisis';
import { noticesSection } from './admin_notices';
import { staffSection } from './admin_staff';

function settingsForm(start: HubAdminSettings, onSaved: (hub: HubAdminSettings) => void): HTMLElement {
  let hub = start;
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const name = h('input', { type: 'text', maxlength: 120, required: true, dir: 'auto', 'data-testid': 'hub-name' });
  const locality = h('input', { type: 'text', maxlength: 120, dir: 'auto', 'data-testid': 'hub-locality' });
  const zone = h('select', { 'data-testid': 'hub-time-zone' }, timeZones(hub.time_zone).map((z) => h('option', { value: z }, z)));
  const about = h('textarea', { rows: 6, maxlength: 2000, dir: 'auto', 'data-testid': 'hub-about' });
  const country = h('input', {
    type: 'text',
    maxlength: 2,
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    class: 'input--short',
    'data-testid': 'hub-country',
  });
  const grace = h('input', { type: 'number', min: 1, max: 60, step: 1, inputmode: 'numeric', class: 'input--short', 'data-testid': 'hub-grace' });
  const fill = (): void => {
    name.value = hub.name;
    locality.value = hub.locality;
    zone.value = hub.time_zone;
    about.value = hub.about;
    country.value = hub.country;
    grace.value = String(hub.pause_grace_minutes);
  };
  fill();
  const save = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'hub-save' }, t('adm.save'));
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    field({ label: t('adm.hub.name'), control: name }),
    field({ label: t('adm.hub.locality'), control: locality, hint: t('adm.hub.locality.hint') }),
    field({ label: t('adm.hub.timeZone'), control: zone, hint: t('adm.hub.timeZone.hint') }),
    field({ label: t('adm.hub.about'), control: about, hint: t('adm.hub.about.hint') }),
    field({ label: t('adm.hub.country'), control: country, hint: t('adm.hub.country.hint') }),
    field({ label: t('adm.hub.grace'), control: grace, hint: t('adm.hub.grace.hint') }),
    alert.el,
    h('div', { class: 'actions' }, save),
    done.el,
    h('p', { class: 'hint' }, h('a', { href: hrefFor('/account') }, t('adm.hub.twoFactorNote'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(save)) return;
    alert.clear();
    done.clear();
    for (const c of [name, country, grace]) setInvalid(c, false);
    const problems: { control: HTMLElement; text: string }[] = [];
    const code = country.value.trim().toUpperCase();
    const minutes = Number(grace.value);
    if (name.value.trim() === '') problems.push({ control: name, text: t('validation.required', { field: t('adm.hub.name') }) });
    if (!/^[A-Z]{2}$/.test(code)) problems.push({ control: country, text: t('adm.hub.countryFormat') });
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) problems.push({ control: grace, text: t('adm.hub.graceRange') });
    if (problems.length > 0) {
      for (const p of problems) setInvalid(p.control, true);
      alert.show(problems.map((p) => p.text).join(' '));
      problems[0]?.control.focus();
      return;
    }
    const change: HubSettingsChange = {};
    if (name.value.trim() !== hub.name) change.name = name.value.trim();
    if (locality.value.trim() !== hub.locality) change.locality = locality.value.trim();
    if (zone.value !== hub.time_zone) change.time_zone = zone.value;
    if (about.value !== hub.about) change.about = about.value;
    if (code !== hub.country) change.country = code;
    if (minutes !== hub.pause_grace_minutes) change.pause_grace_minutes = minutes;
    if (Object.keys(change).length === 0) {
      done.show(t('adm.hub.nothingChanged'));
      return;
    }
    const restore = busy(save, t('adm.saving'));
    try {
      hub = await adminApi.updateHub(hub.id, change);
      restore();
      fill();
      done.show(t('adm.hub.saved'));
      onSaved(hub);
    } catch (err) {
      restore();
      alert.show(describeError(err));
    }
  });
  return section('hub-settings-heading', t('adm.hub.settingsHeading'), form);
}

export function adminHubView({ main, params, signal, setTitle }: ViewContext): void {
  const hubId = params.id ?? 0;
  setTitle(t('admin.title'));
  const heading = h('h1', { dir: 'auto' }, t('admin.title'));
  append(main, breadcrumb('/admin', t('adm.back')));
  if (!canAdminister(getUser())) {
    append(main, heading, h('p', null, t('admin.noAccess')));
    return;
  }
  const alert = new AlertRegion();
  const body = h('div', null);
  append(main, heading, alert.el, body);

  let country = '';
  let crisis: ReturnType<typeof crisisLinesSection> | null = null;
  const show = (hub: HubAdminSettings): void => {
    const title = t('adm.hub.title', { hub: hub.name });
    heading.textContent = title;
    setTitle(title);
    country = hub.country;
    crisis?.refreshCountry();
  };

  void loadInto(body, alert, signal, () => adminApi.hub(hubId, signal), (hub) => {
    show(hub);
    crisis = crisisLinesSection(hub.id, () => country, signal);
    // Escalation, dead letters and the break-glass log have a page of their own (./admin_safeguarding.ts).
    const safeguarding = h('p', null, h('a', { href: hrefFor(`/admin/hubs/${hub.id}/safeguarding`), 'data-testid': 'admin-safeguarding-link' }, t('sg.adminLink')));
    return [safeguarding, settingsForm(hub, show), noticesSection(hub.id, signal), crisis.el, staffSection(hub.id, signal)];
  });
}
