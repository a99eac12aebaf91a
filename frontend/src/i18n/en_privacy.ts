/**
 * English strings of privacy and data rights (views/privacy_parts.ts: the notices at sign-up, "Download my
 * data" and "Delete my account"), spread into the English catalogue in ./en.ts. Same rules as ./en.ts:
 * `{placeholders}`, no markup.
 */
export const enPrivacy = {
  // In the room: a message whose author deleted their account
  'privacy.messageRemoved': 'Message removed.',
  // Sign-up: the hub's notice and terms, and the age
  'privacy.signUp.heading': 'Privacy and terms',
  'privacy.signUp.intro': 'Please read how {hub} looks after what you share, and the terms of joining.',
  'privacy.signUp.notice': 'Privacy notice',
  'privacy.signUp.terms': 'Terms of joining',
  'privacy.signUp.loading': 'Loading the privacy notice and terms…',
  'privacy.signUp.unavailable': 'The privacy notice could not be loaded. Please reload the page to read it before joining.',
  'privacy.signUp.accept': 'I have read and accept the privacy notice and terms',
  'privacy.signUp.age': 'I am {age} or older',
  'privacy.signUp.acceptRequired': 'Please read and accept the privacy notice and terms to join.',
  'privacy.signUp.ageRequired': 'Please confirm you are {age} or older. Alongside is for adults; if you are younger, the crisis lines on this page can help now.',

  // Account: your data
  'privacy.account.heading': 'Your data',
  'privacy.account.intro':
    'You can download everything Alongside holds about you, or delete your account. Some safeguarding notes are left out of the download where the law allows, and the file says why.',
  'privacy.account.download': 'Download my data',
  'privacy.account.delete': 'Delete my account',
  'privacy.delete.title': 'Delete your account?',
  'privacy.delete.explain':
    'Your messages will show as “message removed” and your name as “former member”. Your email and password are deleted and you are signed out everywhere. This cannot be undone.',
  'privacy.delete.safeguarding':
    'If someone was worried about a person’s safety, copies of the messages involved are kept in a safeguarding record, read only by trained safeguarding leads, until its retention period ends.',
  'privacy.delete.password': 'Your password',
  'privacy.delete.confirm': 'Delete my account',
  'privacy.delete.cancel': 'Keep my account',
  'privacy.delete.deleting': 'Deleting…',
  'privacy.delete.passwordRequired': 'Please enter your password to delete your account.',

  // Refusals (server codes)
  'error.notices_not_accepted': 'Please read and accept the privacy notice and terms to join.',
  'error.below_minimum_age': 'You need to be at least the hub’s minimum age to join.',
  'error.notices_changed': 'The privacy notice or terms changed while you were signing up. Please read them again.',
} as const;
