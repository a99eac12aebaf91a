/** Sign in and sign up. */

import { api, ApiError, describeError } from '../api';
import { append, h } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t } from '../i18n';
import { passwordHint } from '../passwordHint';
import { hrefFor, isReturnPath, navigate, withQuery, type Cleanup, type ViewContext } from '../router';
import { setFlash, setReturnPath, setUser, takeFlash, takeReturnPath } from '../state';
import type { SignInResult, User } from '../types';
import { signUpNotices } from './privacy_parts';

const PSEUDONYM_RE = /^[\p{L}\p{N} ._-]{3,32}$/u;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function afterSignIn(user: User): void {
  setUser(user);
  if (user.two_factor?.enrolment_required) {
    // The hub asks its staff for two-factor sign-in: staff tools wait until it is on.
    takeReturnPath();
    setFlash(t('auth.twoFactor.enrolmentRequired'));
    navigate('/account');
    return;
  }
  const back = takeReturnPath();
  // Only routed, non-auth paths: never bounce back to the sign-in page.
  if (isReturnPath(back)) navigate(back);
  else navigate('/groups');
}

/**
 * The page to go on to after signing in or up (`?next=/groups/3`, e.g. from the front door or an invitation
 * link): remembered for afterSignIn, carried over to the other auth page, and said in a sentence.
 */
function nextPath(query: URLSearchParams): { next: string | null; why: string | null } {
  const next = query.get('next');
  if (!isReturnPath(next)) return { next: null, why: null };
  setReturnPath(next);
  if (next.startsWith('/invite/')) return { next, why: t('auth.inviteFirst') };
  if (/^\/groups\/\d+$/.test(next)) return { next, why: t('auth.groupFirst') };
  return { next, why: null };
}

interface Problem {
  control: HTMLElement;
  message: string;
}

function reportProblems(alert: AlertRegion, problems: Problem[]): boolean {
  if (problems.length === 0) return false;
  alert.show(problems.map((p) => p.message).join(' '));
  problems[0]?.control.focus();
  return true;
}

export function signInView({ main, setTitle, query }: ViewContext): void {
  setTitle(t('auth.signIn.title'));
  const alert = new AlertRegion();
  const notice = new StatusRegion();
  const { next, why } = nextPath(query);
  const flash = takeFlash() ?? why;

  const pseudonym = h('input', {
    type: 'text',
    name: 'pseudonym',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
    'data-testid': 'pseudonym',
  });
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
    'data-testid': 'password',
  });
  const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'signin-submit' }, t('auth.signIn.submit'));
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    field({ label: t('auth.pseudonym'), control: pseudonym }),
    field({ label: t('auth.password'), control: password }),
    alert.el,
    h('div', { class: 'actions' }, submit),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(submit)) return;
    alert.clear();
    const problems: Problem[] = [];
    setInvalid(pseudonym, false);
    setInvalid(password, false);
    if (pseudonym.value.trim() === '') {
      problems.push({ control: pseudonym, message: t('validation.pseudonymRequired') });
      setInvalid(pseudonym, true);
    }
    if (password.value === '') {
      problems.push({ control: password, message: t('validation.passwordRequired') });
      setInvalid(password, true);
    }
    if (reportProblems(alert, problems)) return;
    const restore = busy(submit, t('auth.signIn.submitting'));
    try {
      const result = await api.signIn(pseudonym.value.trim(), password.value);
      if (result.status === 'two_factor_required') {
        restore();
        showCodeStep(main, result.challenge);
        return;
      }
      afterSignIn(result.user);
    } catch (err) {
      restore();
      alert.show(describeError(err));
      password.select();
      password.focus();
    }
  });

  append(
    main,
    h(
      'div',
      { class: 'narrow' },
      h('h1', null, t('auth.signIn.title')),
      notice.el,
      h('p', { class: 'lead' }, t('auth.signIn.intro')),
      form,
      h('p', { class: 'aside' }, h('a', { href: hrefFor('/forgot'), 'data-testid': 'to-forgot' }, t('recovery.forgotLink'))),
      h(
        'p',
        { class: 'aside' },
        t('auth.signIn.noAccount'),
        ' ',
        h('a', { href: hrefFor(withQuery('/signup', { next })), 'data-testid': 'to-signup' }, t('auth.signIn.toSignUp')),
      ),
    ),
  );
  if (flash) notice.show(flash);
}

/** The second step of a sign-in with two-factor on: the code from the authenticator app. */
function showCodeStep(main: HTMLElement, challenge: string): void {
  const alert = new AlertRegion();
  const code = h('input', {
    type: 'text',
    name: 'code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9 ]*',
    maxlength: 16,
    required: true,
    'data-testid': 'two-factor-code',
  });
  const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'two-factor-submit' }, t('auth.twoFactor.codeSubmit'));
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    field({ label: t('auth.twoFactor.code'), control: code, hint: t('auth.twoFactor.codeHint') }),
    alert.el,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(submit)) return;
    alert.clear();
    setInvalid(code, false);
    const value = code.value.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(value)) {
      setInvalid(code, true);
      alert.show(t('validation.codeFormat'));
      code.focus();
      return;
    }
    const restore = busy(submit, t('auth.signIn.submitting'));
    try {
      const result: SignInResult = await api.signInCode(challenge, value);
      if (result.status === 'two_factor_required') throw new Error('unexpected second challenge');
      afterSignIn(result.user);
    } catch (err) {
      restore();
      alert.show(describeError(err));
      if (err instanceof ApiError && err.code === 'challenge_expired') navigate('/signin');
      code.select();
      code.focus();
    }
  });
  main.replaceChildren();
  append(
    main,
    h(
      'div',
      { class: 'narrow' },
      h('h1', { tabindex: '-1' }, t('auth.twoFactor.codeTitle')),
      h('p', { class: 'lead' }, t('auth.twoFactor.codeIntro')),
      form,
    ),
  );
  code.focus();
}

export function signUpView({ main, setTitle, query, signal }: ViewContext): Cleanup {
  setTitle(t('auth.signUp.title'));
  const notices = signUpNotices(signal);
  const alert = new AlertRegion();
  const { next, why } = nextPath(query);

  const pseudonym = h('input', {
    type: 'text',
    name: 'pseudonym',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
    minlength: 3,
    maxlength: 32,
    'data-testid': 'signup-pseudonym',
  });
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'new-password',
    required: true,
    minlength: 10,
    maxlength: 256,
    'data-testid': 'signup-password',
  });
  const email = h('input', {
    type: 'email',
    name: 'email',
    autocomplete: 'email',
    'data-testid': 'signup-email',
  });
  const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'signup-submit' }, t('auth.signUp.submit'));
  const strength = passwordHint(password, () => ({ pseudonym: pseudonym.value.trim(), email: email.value.trim() }), [
    pseudonym,
    email,
  ]);
  const passwordField = field({ label: t('auth.password'), control: password, hint: t('auth.password.hint') });
  passwordField.append(strength.el);
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    field({ label: t('auth.pseudonym'), control: pseudonym, hint: t('auth.pseudonym.hint') }),
    passwordField,
    field({ label: t('auth.email'), control: email, hint: t('auth.email.hint') }),
    notices.el,
    alert.el,
    h('div', { class: 'actions' }, submit),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(submit)) return;
    alert.clear();
    const problems: Problem[] = [];
    for (const control of [pseudonym, password, email]) setInvalid(control, false);
    const name = pseudonym.value.trim();
    if (name === '') problems.push({ control: pseudonym, message: t('validation.pseudonymRequired') });
    else if (!PSEUDONYM_RE.test(name)) problems.push({ control: pseudonym, message: t('validation.pseudonymFormat') });
    if (password.value === '') problems.push({ control: password, message: t('validation.passwordRequired') });
    else if ([...password.value].length < 10) problems.push({ control: password, message: t('validation.passwordLength') });
    const mail = email.value.trim();
    if (mail !== '' && !EMAIL_RE.test(mail)) problems.push({ control: email, message: t('validation.emailFormat') });
    notices.clearInvalid();
    const unaccepted = notices.problem();
    if (unaccepted) problems.push(unaccepted);
    for (const p of problems) setInvalid(p.control, true);
    if (reportProblems(alert, problems)) return;

    const restore = busy(submit, t('auth.signUp.submitting'));
    try {
      const user = await api.signUp(name, password.value, mail === '' ? null : mail, notices.consent());
      afterSignIn(user);
    } catch (err) {
      restore();
      alert.show(describeError(err));
      if (err instanceof Error && 'code' in err && err.code === 'pseudonym_taken') {
        setInvalid(pseudonym, true);
        pseudonym.focus();
      } else if (err instanceof Error && 'code' in err && err.code === 'weak_password') {
        setInvalid(password, true);
        password.focus();
      }
    }
  });

  append(
    main,
    h(
      'div',
      { class: 'narrow' },
      h('h1', null, t('auth.signUp.title')),
      why ? h('p', { class: 'notice', role: 'status' }, why) : null,
      h('p', { class: 'lead' }, t('auth.signUp.intro')),
      form,
      h(
        'p',
        { class: 'aside' },
        t('auth.signUp.haveAccount'),
        ' ',
        h('a', { href: hrefFor(withQuery('/signin', { next })), 'data-testid': 'to-signin' }, t('auth.signUp.toSignIn')),
      ),
    ),
  );
  return strength.stop;
}
