import { arabic } from './ar';
import { welsh } from './cy';
import { english, type Catalogue, type MessageKey } from './en';

export type { Catalogue, MessageKey } from './en';

/** Every catalogue the app knows. Add new languages here. */
export const catalogues: readonly Catalogue[] = [english, welsh, arabic];

// Chosen on first use, so that modules which build date formats as they load already get the right language.
let chosen: Catalogue | null = null;

export type Params = Readonly<Record<string, string | number>>;

/** The catalogue in use. */
export function activeCatalogue(): Catalogue {
  chosen ??= pickCatalogue();
  return chosen;
}

// Worked out once per language: every date, number and plural format asks for it.
let cachedLocale: { lang: string; tag: string } | null = null;

/**
 * The tag for `Intl` formats (dates, numbers, plural rules): the browser's own regional variant of the
 * interface language when it has one (English in a British browser writes "26 November, 19:00", in an
 * American one "November 26, 7:00 PM"; Welsh in a cy-GB browser), else the interface language itself (an
 * Arabic interface picked in an English browser is written the Arabic way).
 */
export function locale(): string {
  const lang = activeCatalogue().lang;
  if (cachedLocale?.lang !== lang) cachedLocale = { lang, tag: regionalLocale() };
  return cachedLocale.tag;
}

function regionalLocale(): string {
  const lang = activeCatalogue().lang;
  const base = lang.toLowerCase().split('-')[0];
  const regional = navigator.languages.find((tag) => tag.toLowerCase().split('-')[0] === base);
  if (regional === undefined) return lang;
  try {
    return Intl.getCanonicalLocales(regional)[0] ?? lang;
  } catch {
    return lang; // not a tag Intl accepts
  }
}

const STORAGE_KEY = 'alongside.language';

/** The language this browser was told to use (the picker, or the signed-in account's choice), if any. */
export function rememberedLanguage(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage blocked: the browser's own language applies
  }
}

/** Remember (or, with null, forget) the language for the next page load in this browser. */
export function rememberLanguage(lang: string | null): void {
  try {
    if (lang === null) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // storage blocked: the choice lasts for this page only
  }
}

export function hasCatalogue(lang: string): boolean {
  return catalogues.some((c) => c.lang === lang);
}

/**
 * Make `catalogue` the active one and reflect its language and direction on <html>, so that screen
 * readers pick the right voice and a right-to-left language lays out mirrored (the CSS uses logical
 * properties throughout).
 */
export function useCatalogue(catalogue: Catalogue): void {
  chosen = catalogue;
  document.documentElement.lang = catalogue.lang;
  document.documentElement.dir = catalogue.dir;
}

/**
 * The catalogue to use: the language remembered in this browser (picked, or the account's), else the best
 * match for the browser's preferred languages, else English.
 */
export function pickCatalogue(
  preferred: readonly string[] = navigator.languages,
  remembered: string | null = rememberedLanguage(),
): Catalogue {
  const picked = catalogues.find((c) => c.lang === remembered);
  if (picked) return picked;
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    const exact = catalogues.find((c) => c.lang.toLowerCase() === lower);
    if (exact) return exact;
    const base = lower.split('-')[0];
    const partial = catalogues.find((c) => c.lang.toLowerCase().split('-')[0] === base);
    if (partial) return partial;
  }
  return english;
}

/** Translate `key`, filling `{placeholders}` from `params` (numbers are formatted for the language). */
export function t(key: MessageKey, params?: Params): string {
  return fill(activeCatalogue().messages[key], params);
}

/**
 * `t` for a sentence shown on the page with people's own text in it (a pseudonym, a group's name): each
 * text placeholder becomes a `<bdi dir="auto">`, so a name in another script keeps its own direction and
 * does not reorder the sentence around it (an Arabic name in an English sentence ending in a full stop, an
 * English name in an Arabic one). The text is the same as `t`'s; numbers are formatted, not isolated.
 */
export function tIsolated(key: MessageKey, params: Params): (string | HTMLElement)[] {
  const parts = activeCatalogue().messages[key].split(/\{(\w+)\}/);
  return parts.map((part, i) => {
    if (i % 2 === 0) return part;
    const value = params[part];
    if (value === undefined) return `{${part}}`;
    if (typeof value === 'number') return formatNumber(value);
    const isolated = document.createElement('bdi');
    isolated.dir = 'auto';
    isolated.textContent = value;
    return isolated;
  });
}

function fill(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/**
 * A count sentence: the `one` key when `Intl.PluralRules` puts the count in "one"; for any other category
 * the catalogue's extra plural form for it (Welsh and Arabic have zero, two, few and many), falling back
 * to the `other` key. `{count}` is filled in (formatted for the language) in every form.
 */
export function tCount(count: number, keys: { one: MessageKey; other: MessageKey }, params?: Params): string {
  let category: Intl.LDMLPluralRule = 'other';
  try {
    category = new Intl.PluralRules(locale()).select(count);
  } catch {
    category = count === 1 ? 'one' : 'other';
  }
  if (category === 'one') return t(keys.one, { ...params, count });
  const base = keys.other.replace(/\.other$/, '');
  const extra = activeCatalogue().plurals?.[`${base}.${category}`];
  if (extra !== undefined) return fill(extra, { ...params, count });
  return t(keys.other, { ...params, count });
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(activeCatalogue().messages, key);
}

/**
 * The catalogue string for a server error `code` (`error.<code>`), whose `{server}` placeholder is the
 * server's own sentence (for refusals that quote the hub's words or a preview); when the catalogue has
 * none, the server's own `message`, and failing that a generic sentence.
 */
export function translateError(code: string, serverMessage?: string, params?: Params): string {
  const key = `error.${code}`;
  if (isMessageKey(key)) {
    const text = t(key, { server: serverMessage ?? '', ...params }).trim();
    if (text !== '') return text;
  }
  return serverMessage && serverMessage.trim() !== '' ? serverMessage : t('error.generic');
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(locale()).format(n);
}
