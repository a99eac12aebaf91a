/** English strings of the language picker (../views/language.ts) and of refusal codes added since the
 * catalogues were translated, merged into ./en.ts. */
export const enLanguage = {
  'language.label': 'Language',
  'language.apply': 'Change language',
  'language.form': 'Choose the language of Alongside',
  'error.invalid_instant': 'That time is not valid: it needs a date, a time and a time zone.',
  'error.unsupported_language': 'Alongside does not have that language yet.',
} as const;
