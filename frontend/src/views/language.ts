/**
 * The language picker in the page footer, and keeping a person's choice: in this browser (localStorage) and,
 * once they are signed in, on their account, so it follows them to every device. A change reloads the page:
 * every string and date format is built once for the language in use.
 */
import { api } from '../api';
import { h } from '../dom';
import { activeCatalogue, catalogues, hasCatalogue, rememberedLanguage, rememberLanguage, t } from '../i18n';
import { getUser } from '../state';
import type { User } from '../types';

let pickerCount = 0;

export function languagePicker(): HTMLFormElement {
  const id = `language-${++pickerCount}`;
  const select = h(
    'select',
    { id, name: 'language', 'data-testid': 'language-select' },
    ...catalogues.map((c) =>
      h('option', { value: c.lang, lang: c.lang, dir: c.dir, selected: c.lang === activeCatalogue().lang }, c.nativeName),
    ),
  );
  // A button, not a change of page on selecting (WCAG 3.2.2: choosing an option must not change context).
  const apply = h('button', { type: 'submit', class: 'button button--quiet' }, t('language.apply'));
  const form = h(
    'form',
    { class: 'language-picker', 'aria-label': t('language.form'), 'data-testid': 'language-picker' },
    h('label', { for: id }, t('language.label')),
    select,
    apply,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void switchLanguage(select.value);
  });
  return form;
}

async function switchLanguage(lang: string): Promise<void> {
  if (!hasCatalogue(lang) || lang === activeCatalogue().lang) return;
  rememberLanguage(lang);
  if (getUser()) {
    try {
      await api.setLanguage(lang);
    } catch {
      // Kept in this browser; the account learns it on the next sign-in (adoptAccountLanguage).
    }
  }
  location.reload();
}

/**
 * When someone is signed in: the language on their account wins (reloading once into it); a language they
 * picked in this browser before signing in, with none on the account yet, is saved to the account.
 */
export function adoptAccountLanguage(user: User | null): void {
  if (!user) return;
  const account = user.language ?? null;
  if (account !== null) {
    if (hasCatalogue(account) && account !== activeCatalogue().lang) {
      rememberLanguage(account);
      location.reload();
    }
    return;
  }
  const local = rememberedLanguage();
  if (local !== null && hasCatalogue(local)) void api.setLanguage(local).catch(() => undefined);
}
