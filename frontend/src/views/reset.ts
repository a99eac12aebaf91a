/**
 * Account recovery pages: "Forgot your password?" (#/forgot: a pseudonym, then the same neutral confirmation
 * whatever happened) and the reset page a link opens (#/reset/<token>: choose a new password, then sign in).
 */

import { ApiError, describeError } from '../api';
import { recoveryApi } from '../api_recovery';
import { append, h } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t } from '../i18n';
import { passwordHint } from '../passwordHint';
import { hrefFor, navigate, type Cleanup, type ViewContext } from '../router';
import { setFlash } from '../state';
import { localText } from '../time';

function backToSignIn(): HTMLParagraphElement {
  return h('p', { class: 'aside' }, h('a', { href: hrefFor('/signin'), 'data-testid': 'to-signin' }, t('recovery.backToSignIn')));
}

export function forgotView({ main, setTitle }: ViewContext): void {
  setTitle(t('recovery.forgot.title'));
  const alert = new AlertRegion();
  const sent = new StatusRegion('notice--success');
  const pseudonym = h('input', {
    type: 'text',
    name: 'pseudonym',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
    maxlength: 64,
    'data-testid': 'forgot-pseudonym',
  });
  const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'forgot-submit' }, t('recovery.forgot.submit'));
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    field({ label: t('auth.pseudonym'), control: pseudonym }),
    alert.el,
    h('div', { class: 'actions' }, submit),
  );
  pseudonym.addEventListener('input', () => {
    if (pseudonym.value.trim() !== '') {
      setInvalid(pseudonym, false);
      alert.clear();
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(submit)) return;
    alert.clear();
    sent.clear();
    setInvalid(pseudonym, false);
    if (pseudonym.value.trim() === '') {
      setInvalid(pseudonym, true);
      alert.show(t('validation.pseudonymRequired'));
      pseudonym.focus();
      return;
    }
    const restore = busy(submit, t('recovery.forgot.submitting'));
    try {
      await recoveryApi.forgot(pseudonym.value.trim());
      restore();
      form.hidden = true;
      sent.show(t('recovery.forgot.sent'));
      sent.el.tabIndex = -1;
      sent.el.focus();
    } catch (err) {
      restore();
      alert.show(describeError(err));
      pseudonym.focus();
    }
  });
  append(
    main,
    h(
      'div',
      { class: 'narrow' },
      h('h1', null, t('recovery.forgot.title')),
      h('p', { class: 'lead' }, t('recovery.forgot.intro')),
      sent.el,
      form,
      backToSignIn(),
    ),
  );
}

export function resetView({ main, setTitle, text, signal }: ViewContext): Cleanup {
  setTitle(t('recovery.reset.title'));
  const token = text.token ?? '';
  const alert = new AlertRegion();
  const intro = h('p', { class: 'lead', 'data-testid': 'reset-for' }, t('recovery.reset.checking'));
  const body = h('div', null);
  let stop: Cleanup = () => undefined;
  append(main, h('div', { class: 'narrow' }, h('h1', null, t('recovery.reset.title')), intro, alert.el, body, backToSignIn()));

  const showForm = (pseudonymText: string): void => {
    const password = h('input', {
      type: 'password',
      name: 'password',
      autocomplete: 'new-password',
      required: true,
      minlength: 10,
      maxlength: 256,
      'data-testid': 'reset-password',
    });
    // A hidden username field, so password managers store the new password under the right name.
    const username = h('input', { type: 'text', name: 'username', autocomplete: 'username', value: pseudonymText, hidden: true, readonly: true });
    const strength = passwordHint(password, () => ({ pseudonym: pseudonymText, email: '' }));
    stop = strength.stop;
    const passwordField = field({ label: t('recovery.reset.password'), control: password, hint: t('auth.password.hint') });
    passwordField.append(strength.el);
    const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'reset-submit' }, t('recovery.reset.submit'));
    const form = h('form', { class: 'form', novalidate: true }, username, passwordField, h('div', { class: 'actions' }, submit));
    password.addEventListener('input', () => {
      if ([...password.value].length >= 10) {
        setInvalid(password, false);
        alert.clear();
      }
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (isBusy(submit)) return;
      alert.clear();
      setInvalid(password, false);
      const problem =
        password.value === '' ? t('validation.passwordRequired') : [...password.value].length < 10 ? t('validation.passwordLength') : null;
      if (problem) {
        setInvalid(password, true);
        alert.show(problem);
        password.focus();
        return;
      }
      const restore = busy(submit, t('recovery.reset.submitting'));
      try {
        await recoveryApi.useLink(token, password.value);
        setFlash(t('recovery.reset.done'));
        navigate('/signin');
      } catch (err) {
        restore();
        alert.show(describeError(err));
        if (err instanceof ApiError && err.code === 'reset_link_invalid') {
          form.remove();
          return;
        }
        setInvalid(password, true);
        password.focus();
      }
    });
    body.replaceChildren(form);
  };

  void (async () => {
    try {
      const link = await recoveryApi.checkLink(token, signal);
      intro.textContent = '';
      append(intro, ...splitName(t('recovery.reset.for', { until: localText(link.expires_at) }), link.pseudonym));
      showForm(link.pseudonym);
    } catch (err) {
      if (signal.aborted) return;
      intro.textContent = '';
      alert.show(describeError(err));
    }
  })();
  return () => stop();
}

/** A sentence with `{name}` in it, the person's own name in a `dir="auto"` span (rendered as text). */
function splitName(sentence: string, name: string): (string | HTMLElement)[] {
  const at = sentence.indexOf('{name}');
  if (at < 0) return [sentence];
  return [sentence.slice(0, at), h('strong', { dir: 'auto' }, name), sentence.slice(at + '{name}'.length)];
}
