/**
 * English strings of account recovery (views/reset.ts, the reset link in views/admin_members.ts and the
 * sign-in page's "Forgot your password?"), spread into the English catalogue in ./en.ts. Same rules as
 * ./en.ts: `{placeholders}`, no markup.
 */
export const enRecovery = {
  // Sign-in page
  'recovery.forgotLink': 'Forgot your password?',
  // "Forgot your password?" (/forgot)
  'recovery.forgot.title': 'Forgot your password?',
  'recovery.forgot.intro':
    'If you gave an email address when you signed up, we can send you a link to choose a new password. If you did not, ask an admin of your hub for a reset link.',
  'recovery.forgot.submit': 'Send me a reset link',
  'recovery.forgot.submitting': 'Sending…',
  'recovery.forgot.sent':
    'Thank you. If that pseudonym has an email address with us, a reset link is on its way. It works once, for 24 hours. Nothing arrived? Check your spam folder, or ask an admin of your hub.',
  'recovery.backToSignIn': 'Back to sign in',
  // The reset page (/reset/<token>)
  'recovery.reset.title': 'Choose a new password',
  'recovery.reset.for': 'A new password for {name}. The link works once, until {until}.',
  'recovery.reset.password': 'New password',
  'recovery.reset.submit': 'Save the new password',
  'recovery.reset.submitting': 'Saving…',
  'recovery.reset.done': 'Your new password is saved, and every browser signed in to your account was signed out. Please sign in with it now.',
  'recovery.reset.checking': 'Checking the link…',
  // A hub admin's member list
  'recovery.issue': 'Issue a password reset link',
  'recovery.issueNamed': 'Issue a password reset link for {name}',
  'recovery.issuing': 'Issuing…',
  'recovery.issueTitle': 'Issue a password reset link for {name}?',
  'recovery.issueBody':
    '{name} will be signed out everywhere at once. The link works once, for 24 hours; pass it on privately. It is shown only now, and the hub log records that you issued it.',
  'recovery.linkOnce': 'Pass this link to {name} privately. It is shown only once and works once, until {until}.',
  'recovery.linkLabel': 'Reset link for {name}',
  'recovery.copy': 'Copy the link',
  'recovery.copied': 'Copied.',
  'recovery.copyFailed': 'Could not copy: the link is selected, so copy it with your keyboard.',
  // Server refusals
  'error.reset_link_invalid':
    'This reset link does not work: it was used already, has expired, or was replaced by a newer one. Ask a hub admin for a new one, or use “Forgot your password?”.',
  'error.reset_staff_refused': 'A reset link for a member of staff can only come from a platform admin.',
} as const;
