/**
 * Welsh strings of privacy and data rights (views/privacy_parts.ts: the notices at sign-up, "Download my
 * data" and "Delete my account"), translated from ./en_privacy.ts.
 */
import type { PluralForms } from './en';
import type { enPrivacy } from './en_privacy';

export const cyPrivacy: { readonly [K in keyof typeof enPrivacy]: string } = {
  // In the room: a message whose author deleted their account
  'privacy.messageRemoved': 'Neges wedi’i thynnu.',
  // Sign-up: the hub's notice and terms, and the age
  'privacy.signUp.heading': 'Preifatrwydd a thelerau',
  'privacy.signUp.intro': 'Darllenwch sut mae {hub} yn gofalu am yr hyn rydych chi’n ei rannu, a thelerau ymuno.',
  'privacy.signUp.notice': 'Hysbysiad preifatrwydd',
  'privacy.signUp.terms': 'Telerau ymuno',
  'privacy.signUp.loading': 'Yn llwytho’r hysbysiad preifatrwydd a’r telerau…',
  'privacy.signUp.unavailable': 'Doedd dim modd llwytho’r hysbysiad preifatrwydd. Ail-lwythwch y dudalen i’w ddarllen cyn ymuno.',
  'privacy.signUp.accept': 'Rydw i wedi darllen yr hysbysiad preifatrwydd a’r telerau ac rydw i’n eu derbyn',
  'privacy.signUp.age': 'Rydw i’n {age} oed neu’n hŷn',
  'privacy.signUp.acceptRequired': 'Darllenwch a derbyniwch yr hysbysiad preifatrwydd a’r telerau i ymuno.',
  'privacy.signUp.ageRequired': 'Cadarnhewch eich bod chi’n {age} oed neu’n hŷn. Mae Alongside ar gyfer oedolion; os ydych chi’n iau, gall y llinellau argyfwng ar y dudalen hon helpu nawr.',

  // Account: your data
  'privacy.account.heading': 'Eich data',
  'privacy.account.intro':
    'Gallwch lwytho i lawr popeth y mae Alongside yn ei gadw amdanoch chi, neu ddileu eich cyfrif. Mae rhai nodiadau diogelu yn cael eu gadael allan o’r ffeil lle mae’r gyfraith yn caniatáu hynny, ac mae’r ffeil yn dweud pam.',
  'privacy.account.download': 'Llwytho fy nata i lawr',
  'privacy.account.delete': 'Dileu fy nghyfrif',
  'privacy.delete.title': 'Dileu eich cyfrif?',
  'privacy.delete.explain':
    'Bydd eich negeseuon yn dangos fel “neges wedi’i thynnu” a’ch enw fel “cyn-aelod”. Caiff eich e-bost a’ch cyfrinair eu dileu a chewch eich allgofnodi ym mhobman. Does dim modd dadwneud hyn.',
  'privacy.delete.safeguarding':
    'Os oedd rhywun yn poeni am ddiogelwch person, caiff copïau o’r negeseuon dan sylw eu cadw mewn cofnod diogelu, sy’n cael ei ddarllen gan arweinwyr diogelu hyfforddedig yn unig, nes bydd ei gyfnod cadw yn dod i ben.',
  'privacy.delete.password': 'Eich cyfrinair',
  'privacy.delete.confirm': 'Dileu fy nghyfrif',
  'privacy.delete.cancel': 'Cadw fy nghyfrif',
  'privacy.delete.deleting': 'Yn dileu…',
  'privacy.delete.passwordRequired': 'Rhowch eich cyfrinair i ddileu eich cyfrif.',

  // Refusals (server codes)
  'error.notices_not_accepted': 'Darllenwch a derbyniwch yr hysbysiad preifatrwydd a’r telerau i ymuno.',
  'error.below_minimum_age': 'I ymuno, mae angen i chi fod wedi cyrraedd isafswm oedran yr hyb.',
  'error.notices_changed': 'Newidiodd yr hysbysiad preifatrwydd neu’r telerau tra oeddech chi’n cofrestru. Darllenwch nhw eto.',
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts): this file has no counted sentences. */
export const cyPrivacyPlurals: PluralForms = {};
