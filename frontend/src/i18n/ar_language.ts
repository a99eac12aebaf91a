/** Arabic strings of the language picker, translated from ./en_language.ts. */
import type { PluralForms } from './en';
import type { enLanguage } from './en_language';

export const arLanguage: { readonly [K in keyof typeof enLanguage]: string } = {
  'language.label': 'اللغة',
  'language.apply': 'تغيير اللغة',
  'language.form': 'اختر لغة Alongside',
  'error.invalid_instant': 'هذا الوقت غير صالح: يلزم تاريخ ووقت ومنطقة زمنية.',
  'error.unsupported_language': 'هذه اللغة غير متوفرة في Alongside بعد.',
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts): none here. */
export const arLanguagePlurals: PluralForms = {};
