/** Welsh strings of the hub's privacy notice, terms and retention as its admins edit them, and of a group's
 * message retention, translated from ./en_notices_admin.ts. */
import type { PluralForms } from './en';
import type { enNoticesAdmin } from './en_notices_admin';

export const cyNoticesAdmin: { readonly [K in keyof typeof enNoticesAdmin]: string } = {
  // Hub admin: the notice, the terms, the minimum age and how long records are kept
  'adm.notices.heading': 'Hysbysiad preifatrwydd, telerau a chyfnodau cadw',
  'adm.notices.intro':
    'Mae pobl yn darllen yr hysbysiad preifatrwydd a’r telerau wrth gofrestru, ac mae eu cytundeb yn cofnodi’r fersiwn a ddarllenon nhw. Mae pob newid yma yn creu fersiwn newydd.',
  'adm.notices.version': 'Fersiwn gyfredol: {version}',
  'adm.notices.privacy': 'Hysbysiad preifatrwydd',
  'adm.notices.terms': 'Telerau ymuno',
  'adm.notices.text.hint':
    'Testun plaen; mae llinell wag yn dechrau paragraff newydd. Gadewch yn wag i adfer testun diofyn Alongside, sy’n enwi’r hyb ac yn nodi ei gyfnodau cadw.',
  'adm.notices.minimumAge': 'Isafswm oedran i ymuno',
  'adm.notices.minimumAge.hint': 'O 13 i 120. Mae pobl yn cadarnhau eu bod nhw’r oedran hwn neu’n hŷn wrth gofrestru.',
  'adm.notices.minimumAgeRange': 'Rhowch isafswm oedran o 13 i 120, fel rhif cyfan.',
  'adm.notices.safeguardingDays': 'Sawl diwrnod y caiff cofnodion diogelu eu cadw',
  'adm.notices.safeguardingDays.hint': 'O 365 i 3650 (un i ddeng mlynedd).',
  'adm.notices.safeguardingDaysRange': 'Rhowch sawl diwrnod y caiff cofnodion diogelu eu cadw fel rhif cyfan o 365 i 3650.',
  'adm.notices.logDays': 'Sawl diwrnod y caiff y log cymedroli ei gadw',
  'adm.notices.logDays.hint': 'O 365 i 3650 (un i ddeng mlynedd).',
  'adm.notices.logDaysRange': 'Rhowch sawl diwrnod y caiff y log cymedroli ei gadw fel rhif cyfan o 365 i 3650.',
  'adm.notices.messagesNote': 'Mae’r cyfnod y caiff negeseuon pob grŵp eu cadw yn cael ei osod yng ngosodiadau’r grŵp hwnnw.',
  'adm.notices.saved': 'Wedi’i gadw: fersiwn {version}.',

  // Hub admin: a group's message retention
  'adm.group.retention': 'Sawl diwrnod y caiff negeseuon eu cadw ar ôl pob sesiwn',
  'adm.group.retention.hint': 'O 1 i 3650. Mae aelodau’n gweld hyn ar dudalen y grŵp.',
  'adm.group.retentionRange': 'Rhowch sawl diwrnod y caiff negeseuon eu cadw fel rhif cyfan o 1 i 3650.',

  // The group's page, for members
  'group.retention.one': 'Caiff negeseuon eu cadw am {count} diwrnod ar ôl pob sesiwn, ac yna eu dileu.',
  'group.retention.other': 'Caiff negeseuon eu cadw am {count} diwrnod ar ôl pob sesiwn, ac yna eu dileu.',
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts): none here (a Welsh numeral takes the singular noun). */
export const cyNoticesAdminPlurals: PluralForms = {};
