/**
 * Welsh strings of account recovery (views/reset.ts, the reset link in views/admin_members.ts and the
 * sign-in page's "Forgot your password?"), translated from ./en_recovery.ts.
 */
import type { PluralForms } from './en';
import type { enRecovery } from './en_recovery';

export const cyRecovery: { readonly [K in keyof typeof enRecovery]: string } = {
  // Sign-in page
  'recovery.forgotLink': 'Wedi anghofio eich cyfrinair?',
  // "Forgot your password?" (/forgot)
  'recovery.forgot.title': 'Wedi anghofio eich cyfrinair?',
  'recovery.forgot.intro':
    'Os rhoesoch chi gyfeiriad e-bost wrth gofrestru, gallwn anfon dolen atoch chi i ddewis cyfrinair newydd. Os na wnaethoch chi, gofynnwch i weinyddwr eich hyb am ddolen ailosod.',
  'recovery.forgot.submit': 'Anfon dolen ailosod ataf',
  'recovery.forgot.submitting': 'Yn anfon…',
  'recovery.forgot.sent':
    'Diolch. Os oes gennym ni gyfeiriad e-bost ar gyfer y ffugenw hwnnw, mae dolen ailosod ar ei ffordd. Mae’n gweithio unwaith, am 24 awr. Heb gyrraedd? Edrychwch yn eich ffolder sbam, neu gofynnwch i weinyddwr eich hyb.',
  'recovery.backToSignIn': 'Yn ôl i fewngofnodi',
  // The reset page (/reset/<token>)
  'recovery.reset.title': 'Dewis cyfrinair newydd',
  'recovery.reset.for': 'Cyfrinair newydd ar gyfer {name}. Mae’r ddolen yn gweithio unwaith, tan {until}.',
  'recovery.reset.password': 'Cyfrinair newydd',
  'recovery.reset.submit': 'Cadw’r cyfrinair newydd',
  'recovery.reset.submitting': 'Yn cadw…',
  'recovery.reset.done': 'Mae eich cyfrinair newydd wedi’i gadw, ac mae pob porwr a oedd wedi mewngofnodi i’ch cyfrif wedi’i allgofnodi. Mewngofnodwch gyda’r cyfrinair newydd nawr.',
  'recovery.reset.checking': 'Yn gwirio’r ddolen…',
  // A hub admin's member list
  'recovery.issue': 'Creu dolen ailosod cyfrinair',
  'recovery.issueNamed': 'Creu dolen ailosod cyfrinair ar gyfer {name}',
  'recovery.issuing': 'Yn creu…',
  'recovery.issueTitle': 'Creu dolen ailosod cyfrinair ar gyfer {name}?',
  'recovery.issueBody':
    'Caiff pob porwr sydd wedi mewngofnodi i gyfrif {name} ei allgofnodi ar unwaith. Mae’r ddolen yn gweithio unwaith, am 24 awr; rhowch hi i’r person yn breifat. Dim ond nawr y caiff ei dangos, ac mae log yr hyb yn cofnodi mai chi a’i creodd.',
  'recovery.linkOnce': 'Rhowch y ddolen hon i {name} yn breifat. Dim ond unwaith y caiff ei dangos ac mae’n gweithio unwaith, tan {until}.',
  'recovery.linkLabel': 'Dolen ailosod ar gyfer {name}',
  'recovery.copy': 'Copïo’r ddolen',
  'recovery.copied': 'Wedi’i chopïo.',
  'recovery.copyFailed': 'Doedd dim modd copïo: mae’r ddolen wedi’i dewis, felly copïwch hi gyda’ch bysellfwrdd.',
  // Server refusals
  'error.reset_link_invalid':
    'Dydy’r ddolen ailosod hon ddim yn gweithio: mae wedi’i defnyddio’n barod, mae wedi dod i ben, neu mae un fwy newydd wedi cymryd ei lle. Gofynnwch i weinyddwr yr hyb am un newydd, neu defnyddiwch “Wedi anghofio eich cyfrinair?”.',
  'error.reset_staff_refused': 'Dim ond gweinyddwr y platfform sy’n gallu creu dolen ailosod ar gyfer aelod o staff.',
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts): this file has no counted sentences. */
export const cyRecoveryPlurals: PluralForms = {};
