/** Welsh strings of the language picker, translated from ./en_language.ts. */
import type { PluralForms } from './en';
import type { enLanguage } from './en_language';

export const cyLanguage: { readonly [K in keyof typeof enLanguage]: string } = {
  'language.label': 'Iaith',
  'language.apply': 'Newid iaith',
  'language.form': 'Dewiswch iaith Alongside',
  'error.invalid_instant': 'Nid yw’r amser hwnnw’n ddilys: mae angen dyddiad, amser a chylchfa amser.',
  'error.unsupported_language': "Nid yw'r iaith honno gan Alongside eto.",
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts): none here. */
export const cyLanguagePlurals: PluralForms = {};
