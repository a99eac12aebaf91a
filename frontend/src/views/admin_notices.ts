/**
 * The hub admin page's "Privacy notice, terms and retention" section: the texts people accept at sign-up, the
 * minimum age they confirm, and how long safeguarding records and the moderation log are kept. Any change is a
 * new version on the server, so only what changed is sent, and the version saved is said back.
 */

import { describeError } from '../api';
import { privacyApi, type Notices, type NoticesChange } from '../api_privacy';
import { h } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t, type MessageKey } from '../i18n';
import { loadInto, section } from './admin_common';

const NOTICE_MAX = 20000;

/** A whole-number input with its range, short like the hub settings' numbers. */
function wholeNumber(min: number, max: number, testId: string): HTMLInputElement {
  return h('input', { type: 'number', min, max, step: 1, inputmode: 'numeric', class: 'input--short', 'data-testid': testId });
}

/** The value of a whole-number input when it lies within its range, else null. */
function wholeIn(input: HTMLInputElement, min: number, max: number): number | null {
  const raw = input.value.trim();
  const value = Number(raw);
  return raw !== '' && Number.isInteger(value) && value >= min && value <= max ? value : null;
}

function noticesForm(hubId: number, start: Notices): HTMLFormElement {
  let notices = start;
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const version = h('p', { class: 'muted', 'data-testid': 'notices-version' });
  const text = (testId: string): HTMLTextAreaElement => h('textarea', { rows: 10, maxlength: NOTICE_MAX, dir: 'auto', 'data-testid': testId });
  const privacy = text('notices-privacy');
  const terms = text('notices-terms');
  const age = wholeNumber(13, 120, 'notices-minimum-age');
  const records = wholeNumber(365, 3650, 'notices-safeguarding-days');
  const log = wholeNumber(365, 3650, 'notices-log-days');
  const fill = (): void => {
    version.textContent = t('adm.notices.version', { version: notices.version });
    privacy.value = notices.privacy_notice;
    terms.value = notices.terms;
    age.value = String(notices.minimum_age);
    records.value = String(notices.safeguarding_retention_days);
    log.value = String(notices.log_retention_days);
  };
  fill();
  const save = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'notices-save' }, t('adm.save'));
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'notices-form' },
    version,
    field({ label: t('adm.notices.privacy'), control: privacy, hint: t('adm.notices.text.hint') }),
    field({ label: t('adm.notices.terms'), control: terms, hint: t('adm.notices.text.hint') }),
    field({ label: t('adm.notices.minimumAge'), control: age, hint: t('adm.notices.minimumAge.hint') }),
    field({ label: t('adm.notices.safeguardingDays'), control: records, hint: t('adm.notices.safeguardingDays.hint') }),
    field({ label: t('adm.notices.logDays'), control: log, hint: t('adm.notices.logDays.hint') }),
    h('p', { class: 'hint' }, t('adm.notices.messagesNote')),
    alert.el,
    h('div', { class: 'actions' }, save),
    done.el,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(save)) return;
    alert.clear();
    done.clear();
    const numbers: { control: HTMLInputElement; min: number; max: number; problem: MessageKey }[] = [
      { control: age, min: 13, max: 120, problem: 'adm.notices.minimumAgeRange' },
      { control: records, min: 365, max: 3650, problem: 'adm.notices.safeguardingDaysRange' },
      { control: log, min: 365, max: 3650, problem: 'adm.notices.logDaysRange' },
    ];
    for (const n of numbers) setInvalid(n.control, false);
    const wrong = numbers.filter((n) => wholeIn(n.control, n.min, n.max) === null);
    if (wrong.length > 0) {
      for (const n of wrong) setInvalid(n.control, true);
      alert.show(wrong.map((n) => t(n.problem)).join(' '));
      wrong[0]?.control.focus();
      return;
    }
    // Only what changed is sent: an untouched default text stays the default (it follows the hub's name and
    // retention), and an emptied one asks for the default back.
    const change: NoticesChange = {};
    if (privacy.value.trim() !== notices.privacy_notice.trim()) change.privacy_notice = privacy.value.trim();
    if (terms.value.trim() !== notices.terms.trim()) change.terms = terms.value.trim();
    const wantedAge = Number(age.value);
    const wantedRecords = Number(records.value);
    const wantedLog = Number(log.value);
    if (wantedAge !== notices.minimum_age) change.minimum_age = wantedAge;
    if (wantedRecords !== notices.safeguarding_retention_days) change.safeguarding_retention_days = wantedRecords;
    if (wantedLog !== notices.log_retention_days) change.log_retention_days = wantedLog;
    if (Object.keys(change).length === 0) {
      done.show(t('adm.hub.nothingChanged'));
      return;
    }
    const restore = busy(save, t('adm.saving'));
    try {
      notices = await privacyApi.updateNotices(hubId, change);
      restore();
      fill();
      done.show(t('adm.notices.saved', { version: notices.version }));
    } catch (err) {
      restore();
      alert.show(describeError(err));
    }
  });
  return form;
}

/** The section, loading the hub's current notices into it. */
export function noticesSection(hubId: number, signal: AbortSignal): HTMLElement {
  const alert = new AlertRegion();
  const body = h('div', null);
  void loadInto(body, alert, signal, () => privacyApi.hubNotices(hubId, signal), (notices) => noticesForm(hubId, notices));
  return section('hub-notices-heading', t('adm.notices.heading'), h('p', null, t('adm.notices.intro')), alert.el, body);
}
