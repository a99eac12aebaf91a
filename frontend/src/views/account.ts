/** Your account: signed-in devices (sign one or all out), a new password, two-factor sign-in for staff, and
 * your data (download it, or delete the account: ./privacy_parts.ts). */

import { api, ApiError, describeError, isAbort } from '../api';
import { memberToolsApi } from '../api_member';
import { confirmDialog } from '../dialog';
import { append, h } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t } from '../i18n';
import { passwordHint } from '../passwordHint';
import { navigate, type Cleanup, type ViewContext } from '../router';
import { getUser, setFlash, setUser, takeFlash } from '../state';
import { timeElement } from '../time';
import type { DeviceSession, HubSettings, TwoFactorStatus } from '../types';
import { myTrainingNotice } from './admin_training_notice';
import { debriefNotice } from './debrief_notice';
import { yourDataSection } from './privacy_parts';

function passwordInput(name: string, autocomplete: string, testId: string): HTMLInputElement {
  return h('input', { type: 'password', name, autocomplete, required: true, maxlength: 256, 'data-testid': testId });
}

function codeInput(testId: string): HTMLInputElement {
  return h('input', {
    type: 'text',
    name: 'code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9 ]*',
    maxlength: 16,
    required: true,
    'data-testid': testId,
  });
}

function sixDigits(value: string): string | null {
  const digits = value.replace(/\s+/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

function signedOutHere(): void {
  setFlash(t('auth.signedOut'));
  setUser(null);
  navigate('/signin');
}

// ---- Signed-in devices -------------------------------------------------------------------------

function devicesSection(signal: AbortSignal): HTMLElement {
  const list = h('ul', { class: 'device-list', 'data-testid': 'device-list' });
  const status = new StatusRegion();
  const alert = new AlertRegion();
  const everywhere = h('button', { type: 'button', class: 'button button--danger', 'data-testid': 'sign-out-everywhere' }, t('account.devices.everywhere'));

  const row = (device: DeviceSession): HTMLLIElement => {
    const parts: (Node | string)[] = [h('strong', null, device.device)];
    if (device.current) parts.push(' ', h('span', { class: 'badge' }, t('account.devices.thisDevice')));
    const signOut = h('button', { type: 'button', class: 'button button--quiet' }, device.current ? t('app.signOut') : t('account.devices.signOut'));
    signOut.setAttribute('aria-label', t('account.devices.signOutNamed', { device: device.device }));
    signOut.addEventListener('click', async () => {
      if (isBusy(signOut)) return;
      const restore = busy(signOut, t('app.signingOut'));
      try {
        await api.signOutDevice(device.id);
        if (device.current) {
          signedOutHere();
          return;
        }
        status.show(t('account.devices.signedOut', { device: device.device }));
        await load();
      } catch (err) {
        restore();
        alert.show(describeError(err));
      }
    });
    return h(
      'li',
      { class: 'device' },
      h('p', null, parts),
      h('p', { class: 'meta' }, t('account.devices.signedIn'), ' ', timeElement(device.created_at), ' · ', t('account.devices.lastUsed'), ' ', timeElement(device.last_seen_at)),
      signOut,
    );
  };

  const load = async (): Promise<void> => {
    try {
      const devices = await api.devices(signal);
      list.replaceChildren(...devices.map(row));
    } catch (err) {
      if (!isAbort(err)) alert.show(describeError(err));
    }
  };

  everywhere.addEventListener('click', async () => {
    const sure = await confirmDialog(
      {
        title: t('account.devices.everywhereTitle'),
        body: t('account.devices.everywhereBody'),
        confirmLabel: t('account.devices.everywhere'),
        cancelLabel: t('account.cancel'),
        danger: true,
      },
      signal,
    );
    if (!sure) return;
    try {
      await api.signOutEverywhere();
    } catch {
      // Signed out here either way; the sessions also end on their own.
    }
    signedOutHere();
  });

  void load();
  return h(
    'section',
    { 'aria-labelledby': 'devices-heading' },
    h('h2', { id: 'devices-heading' }, t('account.devices.title')),
    h('p', null, t('account.devices.intro')),
    status.el,
    alert.el,
    list,
    h('div', { class: 'actions' }, everywhere),
  );
}

// ---- Password ----------------------------------------------------------------------------------

function passwordSection(): { el: HTMLElement; stop: () => void } {
  const alert = new AlertRegion();
  const status = new StatusRegion();
  const current = passwordInput('current-password', 'current-password', 'current-password');
  const next = passwordInput('new-password', 'new-password', 'new-password');
  const user = getUser();
  const hint = passwordHint(next, () => ({ pseudonym: user?.pseudonym ?? '', email: user?.email ?? '' }));
  const nextField = field({ label: t('account.password.new'), control: next, hint: t('auth.password.hint') });
  nextField.append(hint.el);
  const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'change-password' }, t('account.password.submit'));
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'aria-labelledby': 'password-heading' },
    field({ label: t('account.password.current'), control: current }),
    nextField,
    alert.el,
    status.el,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(submit)) return;
    alert.clear();
    status.clear();
    setInvalid(current, current.value === '');
    setInvalid(next, [...next.value].length < 10);
    if (current.value === '' || [...next.value].length < 10) {
      alert.show(current.value === '' ? t('validation.passwordRequired') : t('validation.passwordLength'));
      (current.value === '' ? current : next).focus();
      return;
    }
    const restore = busy(submit, t('account.password.submitting'));
    try {
      await api.changePassword(current.value, next.value);
      restore();
      current.value = '';
      next.value = '';
      status.show(t('account.password.changed'));
    } catch (err) {
      restore();
      alert.show(describeError(err));
      const onNew = err instanceof ApiError && err.code === 'weak_password';
      setInvalid(onNew ? next : current, true);
      (onNew ? next : current).focus();
    }
  });
  return {
    el: h('section', { 'aria-labelledby': 'password-heading' }, h('h2', { id: 'password-heading' }, t('account.password.title')), form),
    stop: hint.stop,
  };
}

// ---- Two-factor sign-in ------------------------------------------------------------------------

function twoFactorSection(signal: AbortSignal): HTMLElement {
  const body = h('div', { 'data-testid': 'two-factor' });
  const section = h(
    'section',
    { 'aria-labelledby': 'two-factor-heading' },
    h('h2', { id: 'two-factor-heading' }, t('account.twoFactor.title')),
    body,
  );

  const render = (status: TwoFactorStatus): void => {
    if (!status.eligible && !status.enabled) {
      section.hidden = true;
      return;
    }
    section.hidden = false;
    body.replaceChildren(status.enabled ? disableForm() : enrolForm(status.enrolment_required));
  };

  const enrolForm = (required: boolean): HTMLElement => {
    const alert = new AlertRegion();
    const password = passwordInput('password', 'current-password', 'two-factor-password');
    const start = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'two-factor-start' }, t('account.twoFactor.start'));
    const form = h(
      'form',
      { class: 'form', novalidate: true },
      field({ label: t('auth.password'), control: password, hint: t('account.twoFactor.passwordHint') }),
      alert.el,
      h('div', { class: 'actions' }, start),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (isBusy(start)) return;
      alert.clear();
      if (password.value === '') {
        setInvalid(password, true);
        alert.show(t('validation.passwordRequired'));
        password.focus();
        return;
      }
      const restore = busy(start, t('account.twoFactor.starting'));
      try {
        const enrolment = await api.twoFactorEnrol(password.value);
        body.replaceChildren(confirmForm(enrolment.secret, enrolment.otpauth_uri));
      } catch (err) {
        restore();
        alert.show(describeError(err));
        password.focus();
      }
    });
    return h('div', null, h('p', null, required ? t('account.twoFactor.required') : t('account.twoFactor.offIntro')), form);
  };

  const confirmForm = (secret: string, uri: string): HTMLElement => {
    const alert = new AlertRegion();
    const code = codeInput('two-factor-confirm-code');
    const confirm = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'two-factor-confirm' }, t('account.twoFactor.confirm'));
    const grouped = secret.replace(/(.{4})/g, '$1 ').trim();
    const form = h(
      'form',
      { class: 'form', novalidate: true },
      h('ol', null, h('li', null, t('account.twoFactor.step1')), h('li', null, t('account.twoFactor.step2'))),
      h('p', null, t('account.twoFactor.secretLabel'), ' ', h('code', { class: 'secret', 'data-testid': 'two-factor-secret', translate: 'no' }, grouped)),
      h('p', null, h('a', { href: uri }, t('account.twoFactor.openApp'))),
      h('p', { class: 'hint' }, t('account.twoFactor.secretOnce')),
      field({ label: t('auth.twoFactor.code'), control: code, hint: t('auth.twoFactor.codeHint') }),
      alert.el,
      h('div', { class: 'actions' }, confirm),
    );
    submitCode(form, code, confirm, alert, {
      busyText: t('account.twoFactor.confirming'),
      send: (digits) => api.twoFactorConfirm(digits),
      doneText: t('account.twoFactor.turnedOn'),
    });
    return form;
  };

  /** A form whose one field is a six-digit code: check it, send it, show the new state or the refusal. */
  const submitCode = (
    form: HTMLFormElement,
    code: HTMLInputElement,
    button: HTMLButtonElement,
    alert: AlertRegion,
    how: { busyText: string; send: (digits: string) => Promise<TwoFactorStatus>; doneText: string },
  ): void => {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (isBusy(button)) return;
      alert.clear();
      const digits = sixDigits(code.value);
      if (!digits) {
        setInvalid(code, true);
        alert.show(t('validation.codeFormat'));
        code.focus();
        return;
      }
      const restore = busy(button, how.busyText);
      try {
        render(await how.send(digits));
        refreshUser();
        announceDone(how.doneText);
      } catch (err) {
        restore();
        alert.show(describeError(err));
        code.select();
        code.focus();
      }
    });
  };

  const disableForm = (): HTMLElement => {
    const alert = new AlertRegion();
    const code = codeInput('two-factor-disable-code');
    const off = h('button', { type: 'submit', class: 'button button--danger', 'data-testid': 'two-factor-disable' }, t('account.twoFactor.disable'));
    const form = h(
      'form',
      { class: 'form', novalidate: true },
      field({ label: t('auth.twoFactor.code'), control: code, hint: t('account.twoFactor.disableHint') }),
      alert.el,
      h('div', { class: 'actions' }, off),
    );
    submitCode(form, code, off, alert, {
      busyText: t('account.twoFactor.disabling'),
      send: (digits) => api.twoFactorDisable(digits),
      doneText: t('account.twoFactor.turnedOff'),
    });
    return h('div', null, h('p', null, t('account.twoFactor.onIntro')), form);
  };

  const done = new StatusRegion();
  section.append(done.el);
  const announceDone = (text: string): void => done.show(text);
  const refreshUser = (): void => {
    void api.me().then((user) => setUser(user)).catch(() => undefined);
  };

  section.hidden = true;
  api
    .twoFactor(signal)
    .then(render)
    .catch(() => undefined);
  return section;
}

// ---- A hub admin's rule: staff must use two-factor sign-in -------------------------------------

function hubRulesSection(signal: AbortSignal): HTMLElement {
  const list = h('div', null);
  const alert = new AlertRegion();
  const status = new StatusRegion();
  const section = h(
    'section',
    { 'aria-labelledby': 'hub-rules-heading', hidden: true },
    h('h2', { id: 'hub-rules-heading' }, t('account.hubRules.title')),
    h('p', null, t('account.hubRules.intro')),
    alert.el,
    status.el,
    list,
  );
  const user = getUser();
  const hubIds = user ? user.staff.filter((s) => s.role === 'hub_admin').map((s) => s.hub_id) : [];
  const rule = (hub: HubSettings): HTMLElement => {
    const box = h('input', { type: 'checkbox', 'data-testid': `require-two-factor-${hub.id}` });
    box.checked = hub.require_two_factor;
    box.addEventListener('change', async () => {
      alert.clear();
      status.clear();
      const wanted = box.checked;
      box.disabled = true;
      try {
        const saved = await api.requireTwoFactor(hub.id, wanted);
        box.checked = saved.require_two_factor;
        status.show(saved.require_two_factor ? t('account.hubRules.on', { hub: hub.name }) : t('account.hubRules.off', { hub: hub.name }));
      } catch (err) {
        box.checked = !wanted;
        alert.show(describeError(err));
      } finally {
        box.disabled = false;
      }
    });
    return h('p', null, h('label', null, box, ' ', t('account.hubRules.label', { hub: hub.name })));
  };
  void Promise.all(hubIds.map((id) => api.hubSettings(id, signal)))
    .then((hubs) => {
      list.replaceChildren(...hubs.map(rule));
      section.hidden = hubs.length === 0;
    })
    .catch(() => undefined);
  return section;
}

/**
 * The viewer's own muted words (docs/api.md "Members' tools"): messages holding them are folded away for
 * this person only, in every room, and can still be opened. One word or phrase per line.
 */
function mutedWordsSection(signal: AbortSignal): HTMLElement {
  const alert = new AlertRegion();
  const status = new StatusRegion();
  const text = h('textarea', { name: 'muted_words', rows: 4, dir: 'auto', 'data-testid': 'muted-words' });
  const save = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'muted-words-save' }, t('mod.mutedWordsSave'));
  const form = h(
    'form',
    { class: 'form muted-words', novalidate: true },
    field({ label: t('mod.mutedWordsField'), control: text, hint: t('mod.mutedWordsHint') }),
    alert.el,
    status.el,
    h('div', { class: 'actions' }, save),
  );
  const words = (): string[] => text.value.split('\n').map((w) => w.trim()).filter((w) => w !== '');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(save)) return;
    alert.clear();
    status.clear();
    setInvalid(text, false);
    const wanted = words();
    if (wanted.length > 50) {
      setInvalid(text, true);
      alert.show(t('mod.mutedWordsTooMany'));
      text.focus();
      return;
    }
    const restore = busy(save, t('mod.mutedWordsSaving'));
    try {
      const saved = await memberToolsApi.setMutedWords(wanted);
      text.value = saved.join('\n');
      status.show(t('mod.mutedWordsSaved'));
    } catch (err) {
      setInvalid(text, true);
      alert.show(describeError(err));
    } finally {
      restore();
    }
  });
  void memberToolsApi
    .mutedWords(signal)
    .then((saved) => {
      if (text.value === '') text.value = saved.join('\n');
    })
    .catch(() => undefined);
  return h(
    'section',
    { 'aria-labelledby': 'muted-words-heading' },
    h('h2', { id: 'muted-words-heading' }, t('mod.mutedWordsHeading')),
    h('p', null, t('mod.mutedWordsIntro')),
    form,
  );
}

/**
 * The reports this person made and what came of them (GET /api/me/reports): someone who was offline when a
 * report was resolved reads the outcome here. Never who dealt with it.
 */
function myReportsSection(signal: AbortSignal): HTMLElement {
  const list = h('ul', { class: 'mod-list', 'data-testid': 'my-reports' });
  const section = h(
    'section',
    { 'aria-labelledby': 'my-reports-heading', hidden: true },
    h('h2', { id: 'my-reports-heading' }, t('mod.myReportsHeading')),
    list,
  );
  void memberToolsApi
    .myReports(signal)
    .then((reports) => {
      section.hidden = reports.length === 0;
      list.replaceChildren(
        ...reports.map((r) =>
          h(
            'li',
            { 'data-testid': 'my-report' },
            h('p', null, t('mod.myReportAbout'), ' ', h('span', { dir: 'auto', class: 'mod-list__name' }, r.reported.display_name), ' · ', h('span', { dir: 'auto' }, r.group_name), ' · ', timeElement(r.created_at)),
            r.status === 'resolved'
              ? h('p', null, t('mod.reportResolved'), ' ', h('span', { dir: 'auto' }, r.outcome ?? ''))
              : h('p', { class: 'muted' }, t('mod.myReportOpen')),
          ),
        ),
      );
    })
    .catch(() => undefined);
  return section;
}

export function accountView({ main, setTitle, signal }: ViewContext): Cleanup {
  setTitle(t('account.title'));
  const notice = new StatusRegion();
  const flash = takeFlash();
  const password = passwordSection();
  append(
    main,
    h(
      'div',
      { class: 'narrow' },
      h('h1', null, t('account.title')),
      notice.el,
      debriefNotice(signal),
      myTrainingNotice(signal),
      twoFactorSection(signal),
      hubRulesSection(signal),
      mutedWordsSection(signal),
      myReportsSection(signal),
      devicesSection(signal),
      password.el,
      yourDataSection(),
    ),
  );
  if (flash) notice.show(flash);
  return password.stop;
}
