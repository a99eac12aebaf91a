/**
 * The hint under a new-password field, updated as the person types: the server's zxcvbn estimate
 * (POST /api/auth/password-check), the same check sign-up and password change enforce, so the hint and the
 * final answer never disagree. Debounced, and each new keystroke cancels the previous request.
 */

import { api, isAbort } from './api';
import { h } from './dom';
import { addDescribedBy } from './forms';
import { t } from './i18n';

const DEBOUNCE_MS = 400;

export interface PasswordHint {
  /** The live region to place after the password field. */
  el: HTMLElement;
  /** Stop listening (the view is going away). */
  stop: () => void;
}

export function passwordHint(
  password: HTMLInputElement,
  context: () => { pseudonym: string; email: string },
  extraInputs: HTMLInputElement[] = [],
): PasswordHint {
  const el = h('div', { class: 'hint password-hint', role: 'status', 'aria-live': 'polite', 'data-testid': 'password-hint' });
  if (!el.id) el.id = `${password.id || 'password'}-strength`;
  addDescribedBy(password, el.id);
  let timer: number | undefined;
  let inflight: AbortController | null = null;

  const show = (lines: string[], state: 'weak' | 'strong' | 'neutral'): void => {
    el.dataset.state = state;
    el.replaceChildren(...lines.map((line) => h('p', null, line)));
  };

  const check = async (): Promise<void> => {
    inflight?.abort();
    const value = password.value;
    if (value === '') {
      show([], 'neutral');
      return;
    }
    const controller = new AbortController();
    inflight = controller;
    try {
      const result = await api.checkPassword(value, context(), controller.signal);
      if (controller.signal.aborted || password.value !== value) return;
      if (result.acceptable) show([t('auth.password.strong')], 'strong');
      // The warning and suggestions are zxcvbn's own English sentences; the first line is from the catalogue.
      else show([t('auth.password.weak'), ...[result.warning, ...result.suggestions].filter(Boolean)], 'weak');
    } catch (err) {
      if (!isAbort(err)) show([t('auth.password.unchecked')], 'neutral');
    }
  };

  const schedule = (): void => {
    window.clearTimeout(timer);
    if (password.value === '') {
      inflight?.abort();
      show([], 'neutral');
      return;
    }
    timer = window.setTimeout(() => void check(), DEBOUNCE_MS);
  };
  password.addEventListener('input', schedule);
  for (const input of extraInputs) input.addEventListener('change', schedule);
  return {
    el,
    stop: () => {
      window.clearTimeout(timer);
      inflight?.abort();
      password.removeEventListener('input', schedule);
      for (const input of extraInputs) input.removeEventListener('change', schedule);
    },
  };
}
