/** The group agreement: edit it (a change is a new version members accept again) and read every version. */

import { describeError } from '../api';
import { adminApi } from '../api_admin';
import { confirmDialog } from '../dialog';
import { h } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t } from '../i18n';
import { parseServerTime } from '../time';
import type { AdminGroup, AgreementVersion } from '../types_admin';
import { inZone, loadInto, section } from './admin_common';

function versionItem(version: AgreementVersion, current: number): HTMLLIElement {
  const date = parseServerTime(version.created_at);
  const when = date ? inZone(date) : version.created_at;
  const summary =
    version.created_by === null
      ? t('adm.agreement.versionSummary', { version: version.version, when })
      : t('adm.agreement.versionBy', { version: version.version, when, name: version.created_by });
  return h(
    'li',
    null,
    h(
      'details',
      { 'data-testid': `agreement-version-${version.version}` },
      h('summary', null, h('span', { dir: 'auto' }, summary), version.version === current ? ` ${t('adm.agreement.isCurrent')}` : ''),
      h('p', { class: 'prewrap agreement-text', dir: 'auto' }, version.text),
    ),
  );
}

export function agreementSection(start: AdminGroup, onSaved: (group: AdminGroup) => void, signal: AbortSignal): HTMLElement {
  let group = start;
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const historyAlert = new AlertRegion();
  const text = h('textarea', { rows: 10, dir: 'auto', required: true, 'data-testid': 'agreement-text' });
  text.value = group.agreement;
  const save = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'agreement-save' }, t('adm.agreement.save'));
  const labelFor = (): string => t('adm.agreement.current', { version: group.agreement_version });
  const textField = field({ label: labelFor(), control: text, hint: t('adm.agreement.hint') });
  const form = h('form', { class: 'form', novalidate: true }, textField, alert.el, h('div', { class: 'actions' }, save), done.el);
  const history = h('div', { 'data-testid': 'agreement-history' });

  const loadHistory = (): void => {
    void loadInto(history, historyAlert, signal, () => adminApi.agreementVersions(group.id, signal), (versions) =>
      h('ul', { class: 'admin-list' }, versions.map((v) => versionItem(v, group.agreement_version))),
    );
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(save)) return;
    alert.clear();
    done.clear();
    setInvalid(text, false);
    if (text.value.trim() === '') {
      setInvalid(text, true);
      alert.show(t('validation.required', { field: t('admin.groupAgreement') }));
      text.focus();
      return;
    }
    if (text.value === group.agreement) {
      done.show(t('adm.agreement.unchanged'));
      return;
    }
    const sure = await confirmDialog(
      {
        title: t('adm.agreement.confirmTitle'),
        body: t('adm.agreement.confirmBody'),
        confirmLabel: t('adm.agreement.save'),
        cancelLabel: t('adm.cancel'),
      },
      signal,
    );
    if (!sure) return;
    const restore = busy(save, t('adm.saving'));
    try {
      group = await adminApi.updateGroup(group.id, { agreement: text.value });
      restore();
      text.value = group.agreement;
      const label = textField.querySelector('label');
      if (label) label.textContent = labelFor();
      done.show(t('adm.agreement.saved', { version: group.agreement_version }));
      onSaved(group);
      loadHistory();
    } catch (err) {
      restore();
      alert.show(describeError(err));
    }
  });

  loadHistory();
  return section(
    'agreement-heading',
    t('adm.agreement.heading'),
    form,
    h('h3', null, t('adm.agreement.history')),
    historyAlert.el,
    history,
  );
}
