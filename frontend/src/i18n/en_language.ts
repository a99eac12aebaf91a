/** English strings of the language picker (../views/language.ts), merged into ./en.ts. */
export const enLanguage = {
  'language.label': 'Language',
  'language.apply': 'Change language',
  'language.form': 'Choose the language of Alongside',
  'error.unsupported_language': 'Alongside does not have that language yet.',
} as const;
