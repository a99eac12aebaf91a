/** A group's settings (name, description, tags, who can find it, how people join, capacity, how long messages
 * are kept) and archiving. */

import { describeError } from '../api';
import { adminApi } from '../api_admin';
import { confirmDialog } from '../dialog';
import { h, uid } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t, tCount, type MessageKey } from '../i18n';
import type { AdminGroup, GroupSettingsChange, JoiningMode, Visibility } from '../types_admin';
import { section } from './admin_common';
import { tagInput } from './admin_tags';

/** Words (not colour) for what sets a group apart: archived, unlisted, how people join, size. */
export function groupBadges(group: AdminGroup): HTMLElement {
  const badges: HTMLElement[] = [];
  if (group.archived) badges.push(h('span', { class: 'badge badge--archived' }, t('adm.badge.archived')));
  if (group.visibility === 'unlisted') badges.push(h('span', { class: 'badge' }, t('adm.badge.unlisted')));
  if (group.joining === 'request') badges.push(h('span', { class: 'badge' }, t('adm.badge.byRequest')));
  if (group.joining === 'invitation') badges.push(h('span', { class: 'badge' }, t('adm.badge.byInvitation')));
  const parts: (Node | string)[] = [...badges];
  parts.push(h('span', { class: 'muted' }, tCount(group.member_count, { one: 'adm.overview.members.one', other: 'adm.overview.members.other' })));
  if (group.tags.length > 0) {
    parts.push(h('span', { class: 'muted' }, t('adm.tagsLabel'), ' ', h('span', { dir: 'auto' }, group.tags.join(', '))));
  }
  return h('span', { class: 'admin-badges' }, parts);
}

/** A fieldset of radio buttons with a legend. */
function radios<T extends string>(
  legend: string,
  name: string,
  options: readonly { value: T; label: MessageKey }[],
  current: T,
): { el: HTMLFieldSetElement; value: () => T } {
  const inputs = options.map((option) => {
    const input = h('input', { type: 'radio', name, value: option.value, id: uid(name), 'data-testid': `${name}-${option.value}` });
    input.checked = option.value === current;
    return { input, option };
  });
  const el = h(
    'fieldset',
    { class: 'fieldset' },
    h('legend', null, legend),
    inputs.map(({ input, option }) => h('div', { class: 'checkbox' }, input, h('label', { for: input.id }, t(option.label)))),
  );
  return { el, value: () => inputs.find((i) => i.input.checked)?.option.value ?? current };
}

export function groupSettingsSection(
  start: AdminGroup,
  onSaved: (group: AdminGroup) => void,
): HTMLElement {
  let group = start;
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const name = h('input', { type: 'text', maxlength: 120, required: true, dir: 'auto', 'data-testid': 'group-settings-name' });
  name.value = group.name;
  const description = h('textarea', { rows: 4, dir: 'auto', 'data-testid': 'group-settings-description' });
  description.value = group.description;
  const tags = tagInput(group.tags, t('adm.group.tags'), 'group-tags');
  const visibility = radios<Visibility>(
    t('adm.group.visibility'),
    'visibility',
    [
      { value: 'listed', label: 'adm.group.visibility.listed' },
      { value: 'unlisted', label: 'adm.group.visibility.unlisted' },
    ],
    group.visibility,
  );
  const joining = radios<JoiningMode>(
    t('adm.group.joining'),
    'joining',
    [
      { value: 'open', label: 'adm.group.joining.open' },
      { value: 'request', label: 'adm.group.joining.request' },
      { value: 'invitation', label: 'adm.group.joining.invitation' },
    ],
    group.joining,
  );
  const capacity = h('input', { type: 'number', min: 2, max: 500, step: 1, inputmode: 'numeric', 'data-testid': 'group-capacity' });
  capacity.value = group.capacity === null ? '' : String(group.capacity);
  const retention = h('input', {
    type: 'number',
    min: 1,
    max: 3650,
    step: 1,
    inputmode: 'numeric',
    class: 'input--short',
    'data-testid': 'group-retention-days',
  });
  retention.value = String(group.retention_days);
  const save = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'group-settings-save' }, t('adm.save'));
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    field({ label: t('adm.group.name'), control: name }),
    field({ label: t('adm.group.description'), control: description, hint: t('admin.groupDescription.hint') }),
    tags.el,
    visibility.el,
    joining.el,
    field({ label: t('adm.group.capacity'), control: capacity, hint: t('adm.group.capacity.hint') }),
    field({ label: t('adm.group.retention'), control: retention, hint: t('adm.group.retention.hint') }),
    alert.el,
    h('div', { class: 'actions' }, save),
    done.el,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(save)) return;
    alert.clear();
    done.clear();
    setInvalid(name, false);
    setInvalid(capacity, false);
    setInvalid(retention, false);
    if (name.value.trim() === '') {
      setInvalid(name, true);
      alert.show(t('validation.required', { field: t('adm.group.name') }));
      name.focus();
      return;
    }
    const rawCapacity = capacity.value.trim();
    const wantedCapacity = rawCapacity === '' ? null : Number(rawCapacity);
    if (wantedCapacity !== null && (!Number.isInteger(wantedCapacity) || wantedCapacity < 2 || wantedCapacity > 500)) {
      setInvalid(capacity, true);
      alert.show(t('adm.group.capacityRange'));
      capacity.focus();
      return;
    }
    const wantedRetention = Number(retention.value.trim());
    if (retention.value.trim() === '' || !Number.isInteger(wantedRetention) || wantedRetention < 1 || wantedRetention > 3650) {
      setInvalid(retention, true);
      alert.show(t('adm.group.retentionRange'));
      retention.focus();
      return;
    }
    const wantedTags = tags.value();
    const change: GroupSettingsChange = {};
    if (name.value.trim() !== group.name) change.name = name.value.trim();
    if (description.value !== group.description) change.description = description.value;
    const sameTags = [...wantedTags].sort().join('\n') === [...group.tags].sort().join('\n');
    if (!sameTags) change.tags = wantedTags;
    if (visibility.value() !== group.visibility) change.visibility = visibility.value();
    if (joining.value() !== group.joining) change.joining = joining.value();
    if (wantedCapacity !== group.capacity) change.capacity = wantedCapacity;
    if (wantedRetention !== group.retention_days) change.retention_days = wantedRetention;
    if (Object.keys(change).length === 0) {
      done.show(t('adm.hub.nothingChanged'));
      return;
    }
    const restore = busy(save, t('adm.saving'));
    try {
      group = await adminApi.updateGroup(group.id, change);
      restore();
      // Show what was stored (the server removes markup and normalises).
      name.value = group.name;
      description.value = group.description;
      done.show(t('adm.group.saved'));
      onSaved(group);
    } catch (err) {
      restore();
      alert.show(describeError(err));
    }
  });
  return section('group-settings-heading', t('adm.group.settingsHeading'), form);
}

export function archiveSection(
  start: AdminGroup,
  onSaved: (group: AdminGroup) => void,
  signal: AbortSignal,
): HTMLElement {
  let group = start;
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const button = h('button', { type: 'button', class: 'button', 'data-testid': 'group-archive-toggle' });
  const label = (): void => {
    button.textContent = group.archived ? t('adm.group.unarchive') : t('adm.group.archive');
    button.className = group.archived ? 'button' : 'button button--danger';
  };
  label();
  button.addEventListener('click', async () => {
    if (isBusy(button)) return;
    alert.clear();
    done.clear();
    const archiving = !group.archived;
    const sure = await confirmDialog(
      {
        title: archiving ? t('adm.group.archiveTitle', { name: group.name }) : t('adm.group.unarchiveTitle', { name: group.name }),
        body: archiving ? t('adm.group.archiveBody') : t('adm.group.unarchiveBody'),
        confirmLabel: archiving ? t('adm.group.archive') : t('adm.group.unarchive'),
        cancelLabel: t('adm.cancel'),
        danger: archiving,
      },
      signal,
    );
    if (!sure) return;
    const restore = busy(button, t('adm.saving'));
    try {
      group = await adminApi.updateGroup(group.id, { archived: archiving });
      restore();
      label();
      done.show(group.archived ? t('adm.group.archived', { name: group.name }) : t('adm.group.unarchived', { name: group.name }));
      onSaved(group);
    } catch (err) {
      restore();
      alert.show(describeError(err));
    }
  });
  return section(
    'group-archive-heading',
    t('adm.group.archiveHeading'),
    h('p', null, t('adm.group.archiveIntro')),
    alert.el,
    h('div', { class: 'actions' }, button),
    done.el,
  );
}
