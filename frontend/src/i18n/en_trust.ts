/** English strings of the public privacy page (../views/privacy_page.ts) and the front door's word on what
 * happens to what people write, merged into ./en.ts. */
export const enTrust = {
  'privacyPage.title': 'Privacy notice and terms',
  'privacyPage.intro':
    'What is kept about you, for how long, who can see it, and what you agree to when you join. Each hub can write its own; this is the one sign-up shows.',
  'privacyPage.notice': 'Privacy notice',
  'privacyPage.terms': 'Terms',
  'privacyPage.version': 'Version {version}',
  'privacyPage.link': 'Privacy and terms',
  'landing.yourWords':
    'What you write is seen by your group and its facilitators, and deleted a set time after each session. If someone may be at risk of serious harm, trained safeguarding leads may see it too.',
  'landing.readPrivacy': 'How your words are kept: the privacy notice and terms',
} as const;
