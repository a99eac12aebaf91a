/** Privacy and data rights in the browser (docs/privacy.md): the hub's notice and terms with the acceptance
 * and age boxes on the sign-up form, and "Download my data" / "Delete my account" on the account page. */

import { describeError, isAbort } from '../api';
import { type Consent, EXPORT_PATH, type Notices, privacyApi } from '../api_privacy';
import { h, uid } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid } from '../forms';
import { t } from '../i18n';
import { navigate } from '../router';
import { setFlash, setUser } from '../state';

export interface SignUpNotices {
  el: HTMLElement;
  /** The first unticked box and why, or null when both are ticked. */
  problem(): { control: HTMLElement; message: string } | null;
  consent(): Consent;
  clearInvalid(): void;
}

function checkbox(testId: string, label: string): { box: HTMLInputElement; row: HTMLElement; label: HTMLLabelElement } {
  const box = h('input', { type: 'checkbox', id: uid(testId), name: testId, 'data-testid': testId });
  const text = h('label', { for: box.id }, label);
  return { box, row: h('div', { class: 'checkbox' }, box, text), label: text };
}

/** The notice and terms (each in a <details>, plain text), the acceptance box and the age box. */
export function signUpNotices(signal: AbortSignal): SignUpNotices {
  let notices: Notices | null = null;
  const intro = h('p', { 'data-testid': 'notices-status' }, t('privacy.signUp.loading'));
  const texts = h('div', null);
  const accept = checkbox('signup-accept-notices', t('privacy.signUp.accept'));
  const age = checkbox('signup-confirm-age', t('privacy.signUp.age', { age: 18 }));
  const section = h(
    'fieldset',
    { class: 'notices', 'data-testid': 'signup-notices' },
    h('legend', null, t('privacy.signUp.heading')),
    intro,
    texts,
    accept.row,
    age.row,
  );
  const block = (title: string, text: string, testId: string): HTMLElement =>
    h(
      'details',
      { 'data-testid': testId },
      h('summary', null, title),
      ...text.split(/\n{2,}/).map((para) => h('p', { class: 'prewrap', dir: 'auto' }, para)),
    );
  privacyApi
    .notices(signal)
    .then((found) => {
      notices = found;
      intro.textContent = t('privacy.signUp.intro', { hub: found.hub_name });
      texts.replaceChildren(
        block(t('privacy.signUp.notice'), found.privacy_notice, 'signup-privacy-notice'),
        block(t('privacy.signUp.terms'), found.terms, 'signup-terms'),
      );
      age.label.textContent = t('privacy.signUp.age', { age: found.minimum_age });
    })
    .catch((err: unknown) => {
      if (!isAbort(err)) intro.textContent = t('privacy.signUp.unavailable');
    });
  return {
    el: section,
    problem() {
      if (!accept.box.checked) return { control: accept.box, message: t('privacy.signUp.acceptRequired') };
      if (!age.box.checked) {
        return { control: age.box, message: t('privacy.signUp.ageRequired', { age: notices?.minimum_age ?? 18 }) };
      }
      return null;
    },
    consent() {
      const consent: Consent = { accept_notices: accept.box.checked, confirm_minimum_age: age.box.checked };
      if (notices?.hub_id) consent.hub_id = notices.hub_id;
      if (notices) consent.notice_version = notices.version;
      return consent;
    },
    clearInvalid() {
      setInvalid(accept.box, false);
      setInvalid(age.box, false);
    },
  };
}

/** A modal asking for the password, with the plain explanation; resolves once deleted or cancelled. */
function deleteDialog(opener: HTMLElement): void {
  const titleId = uid('delete-title');
  const alert = new AlertRegion();
  const password = h('input', {
    type: 'password',
    name: 'current-password',
    autocomplete: 'current-password',
    required: true,
    maxlength: 256,
    'data-testid': 'delete-password',
  });
  const cancel = h('button', { type: 'button', class: 'button', 'data-testid': 'delete-cancel' }, t('privacy.delete.cancel'));
  const confirm = h('button', { type: 'submit', class: 'button button--danger', 'data-testid': 'delete-confirm' }, t('privacy.delete.confirm'));
  const form = h(
    'form',
    { method: 'dialog', novalidate: true },
    h('h2', { id: titleId }, t('privacy.delete.title')),
    h('p', null, t('privacy.delete.explain')),
    h('p', null, t('privacy.delete.safeguarding')),
    field({ label: t('privacy.delete.password'), control: password }),
    alert.el,
    h('div', { class: 'actions' }, cancel, confirm),
  );
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'data-testid': 'delete-dialog' }, form);
  document.body.appendChild(dialog);
  const close = (): void => {
    if (dialog.open) dialog.close();
    dialog.remove();
    if (opener.isConnected) opener.focus();
  };
  cancel.addEventListener('click', close);
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    close();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(confirm)) return;
    alert.clear();
    if (password.value === '') {
      setInvalid(password, true);
      alert.show(t('privacy.delete.passwordRequired'));
      password.focus();
      return;
    }
    setInvalid(password, false);
    const restore = busy(confirm, t('privacy.delete.deleting'));
    try {
      const result = await privacyApi.deleteAccount(password.value);
      close();
      setFlash(result.explanation);
      setUser(null);
      navigate('/signin');
    } catch (err) {
      restore();
      alert.show(describeError(err));
      setInvalid(password, true);
      password.select();
      password.focus();
    }
  });
  dialog.showModal();
  password.focus();
}

/** The account page's "Your data": download everything, or delete the account. */
export function yourDataSection(): HTMLElement {
  const remove = h('button', { type: 'button', class: 'button button--danger', 'data-testid': 'delete-account' }, t('privacy.account.delete'));
  remove.addEventListener('click', () => deleteDialog(remove));
  return h(
    'section',
    { 'aria-labelledby': 'your-data-heading' },
    h('h2', { id: 'your-data-heading' }, t('privacy.account.heading')),
    h('p', null, t('privacy.account.intro')),
    h(
      'div',
      { class: 'actions' },
      h('a', { class: 'button', href: EXPORT_PATH, download: '', 'data-testid': 'download-my-data' }, t('privacy.account.download')),
      remove,
    ),
  );
}
