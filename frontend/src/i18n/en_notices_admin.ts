/** English strings of the hub's privacy notice, terms and retention as its admins edit them
 * (../views/admin_notices.ts), a group's message retention in its settings (../views/admin_groups.ts) and
 * on its page (../views/group.ts), merged into ./en.ts. Same rules as ./en.ts: `{placeholders}`, no markup. */
export const enNoticesAdmin = {
  // Hub admin: the notice, the terms, the minimum age and how long records are kept
  'adm.notices.heading': 'Privacy notice, terms and retention',
  'adm.notices.intro':
    'People read the privacy notice and terms when they sign up, and their acceptance records the version they read. Every change here makes a new version.',
  'adm.notices.version': 'Current version: {version}',
  'adm.notices.privacy': 'Privacy notice',
  'adm.notices.terms': 'Terms of joining',
  'adm.notices.text.hint':
    'Plain text; a blank line starts a new paragraph. Leave it empty to restore Alongside’s default text, which names the hub and states its retention periods.',
  'adm.notices.minimumAge': 'Minimum age to join',
  'adm.notices.minimumAge.hint': 'From 13 to 120. People confirm they are this age or older when they sign up.',
  'adm.notices.minimumAgeRange': 'Please enter a minimum age from 13 to 120, as a whole number.',
  'adm.notices.safeguardingDays': 'Days safeguarding records are kept',
  'adm.notices.safeguardingDays.hint': 'From 365 to 3650 (one to ten years).',
  'adm.notices.safeguardingDaysRange': 'Please enter the days safeguarding records are kept as a whole number from 365 to 3650.',
  'adm.notices.logDays': 'Days the moderation log is kept',
  'adm.notices.logDays.hint': 'From 365 to 3650 (one to ten years).',
  'adm.notices.logDaysRange': 'Please enter the days the moderation log is kept as a whole number from 365 to 3650.',
  'adm.notices.messagesNote': 'How long each group’s messages are kept is set in that group’s settings.',
  'adm.notices.saved': 'Saved: version {version}.',

  // Hub admin: a group's message retention
  'adm.group.retention': 'Days messages are kept after each session',
  'adm.group.retention.hint': 'From 1 to 3650. Members see this on the group’s page.',
  'adm.group.retentionRange': 'Please enter the days messages are kept as a whole number from 1 to 3650.',

  // The group's page, for members
  'group.retention.one': 'Messages are kept for {count} day after each session, then deleted.',
  'group.retention.other': 'Messages are kept for {count} days after each session, then deleted.',
} as const;
