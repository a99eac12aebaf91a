import { english, type Catalogue, type MessageKey } from './en';

export type { Catalogue, MessageKey } from './en';

/** Every catalogue the app knows. Add new languages here. */
export const catalogues: readonly Catalogue[] = [english];

let active: Catalogue = english;

export type Params = Readonly<Record<string, string | number>>;

/** The catalogue in use. */
export function activeCatalogue(): Catalogue {
  return active;
}

/**
 * Make `catalogue` the active one and reflect its language and direction on <html>, so that screen
 * readers pick the right voice and a right-to-left language lays out mirrored (the CSS uses logical
 * properties throughout).
 */
export function useCatalogue(catalogue: Catalogue): void {
  active = catalogue;
  document.documentElement.lang = catalogue.lang;
  document.documentElement.dir = catalogue.dir;
}

/** Pick the best catalogue for the browser's preferred languages (falls back to English). */
export function pickCatalogue(preferred: readonly string[] = navigator.languages): Catalogue {
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
  return fill(active.messages[key], params);
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
    category = new Intl.PluralRules(active.lang).select(count);
  } catch {
    category = count === 1 ? 'one' : 'other';
  }
  if (category === 'one') return t(keys.one, { ...params, count });
  const base = keys.other.replace(/\.other$/, '');
  const extra = active.plurals?.[`${base}.${category}`];
  if (extra !== undefined) return fill(extra, { ...params, count });
  return t(keys.other, { ...params, count });
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(active.messages, key);
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
  return new Intl.NumberFormat(active.lang).format(n);
}
