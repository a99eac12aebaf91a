/**
 * English catalogue. Every string a person sees (or hears from a screen reader) lives here.
 *
 * Placeholders are written `{name}` and filled in by `t(key, { name })`. To add a language, copy this
 * file, translate the values (keep the keys and placeholders), give it its own `lang`/`dir` and add it to
 * `catalogues` in ./index.ts. The type below makes a missing key a compile error.
 */
export const en = {
  // Application frame
  'app.name': 'Alongside',
  'app.skipToContent': 'Skip to main content',
  'app.mainNav': 'Main',
  'app.titleFormat': '{page} · Alongside',
  'app.signedInAs': 'Signed in as {name}',
  'app.signOut': 'Sign out',
  'app.signingOut': 'Signing out…',
  'app.loading': 'Loading…',
  'app.footerNote':
    'Alongside is peer support, not a crisis or emergency service. If you or someone else is in danger, contact your local emergency number now.',
  'nav.groups': 'Groups',
  'nav.admin': 'Hub admin',
  'nav.signIn': 'Sign in',
  'nav.signUp': 'Create account',

  // Sign in / sign up
  'auth.signIn.title': 'Sign in',
  'auth.signIn.intro': 'Welcome back. Sign in with your pseudonym and password.',
  'auth.signIn.submit': 'Sign in',
  'auth.signIn.submitting': 'Signing in…',
  'auth.signIn.noAccount': 'New here?',
  'auth.signIn.toSignUp': 'Create an account',
  'auth.signUp.title': 'Create an account',
  'auth.signUp.intro':
    'Alongside is a place to support each other, led by people with lived experience. You choose a pseudonym: it is the only name other people here will see.',
  'auth.signUp.submit': 'Create account',
  'auth.signUp.submitting': 'Creating your account…',
  'auth.signUp.haveAccount': 'Already have an account?',
  'auth.signUp.toSignIn': 'Sign in',
  'auth.pseudonym': 'Pseudonym',
  'auth.pseudonym.hint':
    'This is the name peers see. Please don’t use your real name. 3 to 32 characters: letters, digits, spaces, - _ and .',
  'auth.password': 'Password',
  'auth.password.hint': 'At least 10 characters.',
  'auth.email': 'Email (optional)',
  'auth.email.hint': 'Optional. Other members never see it.',
  'auth.sessionExpired': 'Your session has ended. Please sign in again.',
  'auth.signedOut': 'You have signed out. Take care.',
  'auth.signedOutElsewhere': 'You have been signed out.',
  'validation.pseudonymRequired': 'Please enter your pseudonym.',
  'validation.pseudonymFormat':
    'A pseudonym is 3 to 32 characters long and uses only letters, digits, spaces, - _ and .',
  'validation.passwordRequired': 'Please enter your password.',
  'validation.passwordLength': 'Your password needs at least 10 characters.',
  'validation.emailFormat': 'That email address does not look right. You can also leave it empty.',
  'validation.required': 'Please fill in “{field}”.',

  // Group directory
  'groups.title': 'Groups',
  'groups.intro':
    'Each group meets in its own room. Read a group’s agreement and join it to take part when a session is live.',
  'groups.empty': 'There are no groups yet.',
  'groups.liveNow': 'Live now',
  'groups.nextSession': 'Next session: {time}',
  'groups.hub': 'Hub: {hub}',
  'groups.hubWithLocality': 'Hub: {hub}, {locality}',
  'groups.member': 'You are a member',

  // Group page
  'group.titleFallback': 'Group',
  'group.backToGroups': 'All groups',
  'group.about': 'About this group',
  'group.agreement': 'Group agreement',
  'group.agreementVersion': 'Version {version}',
  'group.noDescription': 'This group has no description yet.',
  'group.joinHeading': 'Taking part',
  'group.isMember': 'You are a member of this group.',
  'group.agreementChanged':
    'The group agreement has changed since you joined. Please read it again and accept it to keep taking part.',
  'group.notMember': 'To take part, please read the group agreement above and accept it.',
  'group.accept': 'I have read and accept this agreement',
  'group.join': 'Join group',
  'group.rejoin': 'Accept the updated agreement',
  'group.joining': 'Joining…',
  'group.acceptRequired': 'Please tick the box to show you have read and accept the agreement.',
  'group.joined': 'Welcome to {name}. You can enter the room now.',
  'group.agreementOutdated':
    'The agreement was updated while you were reading it. Please read the new version and accept it again.',
  'group.enterRoom': 'Enter room',
  'group.hubAdminNote': 'To enter the room, join the group like any other member.',
  'group.facilitatorEnters': 'You facilitate sessions in this hub, so you can enter the room without joining.',
  'group.roleHubAdmin': 'You are an administrator of this hub.',

  // Room
  'room.titleFallback': 'Room',
  'room.backToGroup': 'Group page',
  'room.connecting': 'Connecting…',
  'room.reconnecting': 'Connection lost. Reconnecting…',
  'room.reconnected': 'Connected again.',
  'room.messagesHeading': 'Messages',
  'room.messagesLabel': 'Messages in {name}',
  'room.noMessages': 'No messages yet.',
  'room.newSession': 'New session',
  'room.loadEarlier': 'Load earlier messages',
  'room.loadingEarlier': 'Loading earlier messages…',
  'room.loadedEarlier': 'Loaded earlier messages.',
  'room.caughtUpAway.one': '{count} new message while you were away.',
  'room.caughtUpAway.other': '{count} new messages while you were away.',
  'room.caughtUp.one': '{count} new message added.',
  'room.caughtUp.other': '{count} new messages added.',
  'room.composerLabel': 'Your message',
  'room.composerHint': 'Press Enter to send, Shift+Enter for a new line.',
  'room.charCount': '{count} of {max} characters',
  'room.charOver': '{count} characters over the limit of {max}',
  'room.send': 'Send',
  'room.sendFailed': 'Your message could not be sent. Check your connection and try again; your text is kept.',
  'room.composerDisabled':
    'This group is not in session. Messages open when a facilitator starts the session.',
  'room.composerDisabledOffline': 'You are offline. You can send again once the connection is back.',
  'room.sessionLive': 'Live now. The session is open and messages are welcome.',
  'room.sessionLiveSince': 'Live now. Session opened at {time} by {name}.',
  'room.sessionNotLive': 'This group is not in session. Messages open when a facilitator starts the session.',
  'room.sessionScheduled': 'Next session: {time}.',
  'room.sessionEnded': 'This session has ended. Thank you for being here.',
  'room.sessionEndedAt': 'This session ended at {time}. Thank you for being here.',
  'room.sessionStarted': 'The session has started.',
  'room.sessionStopped': 'The session has ended.',
  'room.statusLive': 'Live',
  'room.statusNotLive': 'Not in session',
  'room.statusEnded': 'Ended',
  'room.facilitatorControls': 'Facilitator controls',
  'room.startSession': 'Start session',
  'room.endSession': 'End session',
  'room.starting': 'Starting…',
  'room.ending': 'Ending…',
  'room.endConfirmTitle': 'End this session?',
  'room.endConfirmBody': 'Messages will close for everyone in the room until a session is started again.',
  'room.endConfirmOk': 'End session',
  'room.cancel': 'Cancel',
  'room.presenceHeading': 'Here now ({count})',
  'room.presenceShow': 'Show who is here',
  'room.presenceHide': 'Hide who is here',
  'room.presenceEmpty': 'Nobody else is here right now.',
  'room.you': '(you)',
  'room.facilitator': 'Facilitator',
  'room.typingOne': '{name} is typing…',
  'room.typingTwo': '{first} and {second} are typing…',
  'room.typingMany': 'Several people are typing…',
  'room.joinFailed': 'You could not enter this room.',
  'room.removed':
    'You are no longer in this room. If the group agreement has changed, please read it and accept it to come back.',
  'room.toGroupPage': 'Go to the group page',
  'room.notAuthenticated': 'Your session has ended. Please sign in again to enter the room.',

  // Admin
  'admin.title': 'Hub administration',
  'admin.intro':
    'Create a new peer-support group in a hub you administer. Every facilitator of the hub whose training is on record can open and run its sessions.',
  'admin.noAccess': 'This page is for hub administrators.',
  'admin.noHubs': 'You are not an administrator of any hub yet.',
  'admin.hub': 'Hub',
  'admin.hubOption': '{name} ({locality})',
  'admin.createHeading': 'Create a group',
  'admin.groupName': 'Group name',
  'admin.groupDescription': 'Description',
  'admin.groupDescription.hint': 'Who the group is for and what to expect. Line breaks are kept.',
  'admin.groupAgreement': 'Group agreement',
  'admin.groupAgreement.hint':
    'The agreement every member reads and accepts before taking part. Line breaks are kept.',
  'admin.create': 'Create group',
  'admin.creating': 'Creating…',
  'admin.created': 'The group “{name}” has been created.',
  'admin.openGroup': 'Open the group page for {name}',

  // Not found
  'notFound.title': 'Page not found',
  'notFound.body': 'There is nothing at this address.',
  'notFound.home': 'Go to the groups',

  // Errors (server error codes map to `error.<code>`)
  'error.generic': 'Something went wrong. Please try again.',
  'error.network': 'Alongside could not be reached. Check your connection and try again.',
  'error.timeout': 'The server took too long to answer. Please try again.',
  'error.invalid_payload': 'Some of what was sent was not in the expected form. Please check and try again.',
  'error.not_authenticated': 'Please sign in to continue.',
  'error.invalid_credentials': 'That pseudonym and password do not match. Please try again.',
  'error.forbidden': 'Your role does not allow this.',
  'error.not_found': 'This could not be found. It may have been removed.',
  'error.conflict': 'That conflicts with something that already exists.',
  'error.pseudonym_taken': 'That pseudonym is already taken. Please choose another.',
  'error.agreement_outdated':
    'The group agreement has changed. Please read the new version and accept it again.',
  'error.session_already_live': 'A session is already live in this group.',
  'error.no_live_session': 'There is no live session to end.',
  'error.payload_too_large': 'That is too long to send.',
  'error.unsupported_media_type': 'The request was not in a form the server accepts.',
  'error.too_many_attempts': 'Too many attempts. Please wait a little and try again.',
  'error.too_many_attempts_wait': 'Too many attempts. Please wait {seconds} seconds and try again.',
  'error.message_empty': 'Your message is empty.',
  'error.message_too_long': 'Your message is too long. Please shorten it to {max} characters or fewer.',
  'error.not_member': 'You have not joined this group yet. Read and accept the group agreement to take part.',
  'error.agreement_required':
    'The group agreement has changed (or has not been accepted yet). Please accept it on the group page before taking part.',
  'error.not_in_room': 'You are not in this room on this connection. Please reload the page.',
  'error.session_not_live':
    'This group is not in session. Messages open when a facilitator starts the session.',
  'error.rate_limited': 'You are sending messages very quickly. Please wait a moment.',
  'error.internal_error': 'Something went wrong on the server. Nothing was changed; please try again.',
  'error.unknown_event': 'The server did not recognise that request. Please reload the page and try again.',
  'error.method_not_allowed': 'The server does not accept that kind of request here. Please reload the page and try again.',
  'error.http_error': 'The server could not handle that request. Please try again.',
  'error.training_not_recorded': 'Your facilitator training is not on record yet. Please ask your hub admin to add it.',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = { readonly [K in MessageKey]: string };

export interface Catalogue {
  /** BCP 47 language tag, set on <html lang>. */
  readonly lang: string;
  /** Writing direction, set on <html dir>. */
  readonly dir: 'ltr' | 'rtl';
  readonly messages: Messages;
}

export const english: Catalogue = { lang: 'en', dir: 'ltr', messages: en };
