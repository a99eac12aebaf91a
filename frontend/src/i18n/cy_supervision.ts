/**
 * Welsh strings of supervision after a session (views/debrief.ts, views/debrief_notice.ts,
 * views/supervision.ts), translated from ./en_supervision.ts.
 */
import type { PluralForms } from './en';
import type { enSupervision } from './en_supervision';

export const cySupervision: { readonly [K in keyof typeof enSupervision]: string } = {
  'nav.supervision': 'Goruchwyliaeth',

  // A facilitator's debrief (/debrief/:sessionId)
  'sup.debrief.title': 'Ôl-drafodaeth',
  'sup.debrief.heading': 'Ar ôl y sesiwn',
  'sup.debrief.intro':
    'Gall hwyluso fod yn llawer i’w gario. Cymerwch ychydig funudau i chi’ch hun. Mae’r hyn rydych chi’n ei ysgrifennu yma’n mynd i oruchwyliaeth eich hyb (ei uwch gymheiriaid a gweinyddwyr yr hyb), fel nad ydych chi’n cario’r sesiwn ar eich pen eich hun. Nid yw byth yn cael ei ddangos i aelodau.',
  'sup.debrief.sessionOf': 'Sesiwn {group}',
  'sup.debrief.howItWent': 'Sut aeth y sesiwn?',
  'sup.debrief.howItWent.hint': 'Beth ddigwyddodd, beth aeth yn dda, beth oedd yn anodd.',
  'sup.debrief.followUp': 'Unrhyw beth i’w ddilyn?',
  'sup.debrief.followUp.hint': 'Dewisol. Er enghraifft, cysylltu ag aelod i weld sut mae pethau, neu rywbeth y dylai’r hyb ei wybod.',
  'sup.debrief.wellbeing': 'Sut ydych chi?',
  'sup.debrief.wellbeing.hint': 'Dewisol. Sut mae’r sesiwn wedi effeithio arnoch chi, ac unrhyw gymorth yr hoffech ei gael.',
  'sup.debrief.save': 'Cadw’r ôl-drafodaeth',
  'sup.debrief.saveChanges': 'Cadw’r newidiadau',
  'sup.debrief.saving': 'Yn cadw…',
  'sup.debrief.saved': 'Diolch. Mae eich ôl-drafodaeth wedi’i chadw ac wedi mynd i oruchwyliaeth.',
  'sup.debrief.changesSaved': 'Mae eich newidiadau wedi’u cadw.',
  'sup.debrief.editNote': 'Gallwch newid eich ôl-drafodaeth nes iddi gael ei thrafod mewn goruchwyliaeth.',
  'sup.debrief.discussedNote': 'Mae’r ôl-drafodaeth hon wedi’i thrafod mewn goruchwyliaeth, felly does dim modd ei newid mwyach.',
  'sup.debrief.required': 'Ysgrifennwch ychydig am sut aeth y sesiwn.',
  'sup.debrief.tooLong': 'Cadwch bob ateb i {max} nod neu lai.',
  'sup.debrief.backToGroups': 'Yn ôl i’ch grwpiau',
  'sup.debrief.empty': 'Dim wedi’i ysgrifennu.',

  // The notice of debriefs waiting (account page)
  'sup.pending.heading': 'Ôl-drafodaeth yn aros',
  'sup.pending.intro.one': 'Mae sesiwn y gwnaethoch chi ei hwyluso yn aros am eich ôl-drafodaeth.',
  'sup.pending.intro.other': 'Mae {count} sesiwn y gwnaethoch chi eu hwyluso yn aros am eich ôl-drafodaeth.',
  'sup.pending.link': 'Ysgrifennu ôl-drafodaeth am {group}, a ddaeth i ben {time}',

  // Supervision (/supervision)
  'sup.title': 'Goruchwyliaeth',
  'sup.intro':
    'Ôl-drafodaethau gan hwyluswyr eich hyb, a faint o bobl sy’n dod i sesiynau. Ar gyfer goruchwyliaeth yn unig y mae ôl-drafodaethau: peidiwch byth â’u rhannu ag aelodau.',
  'sup.noAccess': 'Mae goruchwyliaeth ar gyfer uwch gymheiriaid a gweinyddwyr hyb.',
  'sup.noHubs': 'Dydych chi ddim yn goruchwylio mewn unrhyw hyb eto.',
  'sup.debriefs.heading': 'Ôl-drafodaethau',
  'sup.filter.legend': 'Dangos ôl-drafodaethau',
  'sup.filter.open': 'Yn aros i gael eu trafod',
  'sup.filter.discussed': 'Wedi’u trafod',
  'sup.filter.all': 'Pob un',
  'sup.debriefs.noneOpen': 'Does dim ôl-drafodaethau yn aros i gael eu trafod.',
  'sup.debriefs.none': 'Does dim ôl-drafodaethau i’w dangos.',
  'sup.item.heading': '{group}: ôl-drafodaeth gan {name}',
  'sup.item.session': 'Sesiwn',
  'sup.item.sessionTimes': '{start} i {end}',
  'sup.item.written': 'Ysgrifennwyd',
  'sup.item.status': 'Statws',
  'sup.item.waiting': 'Yn aros i gael ei thrafod',
  'sup.item.discussedBy': 'Trafodwyd gan {name},',
  'sup.item.endedAlone': 'Daeth i ben ohoni’i hun: ni ddaeth hwylusydd yn ôl mewn pryd.',
  'sup.markDiscussed': 'Nodi ei bod wedi’i thrafod',
  'sup.marking': 'Yn nodi…',
  'sup.marked': 'Nodwyd bod yr ôl-drafodaeth gan {name} wedi’i thrafod.',
  'sup.attendance.heading': 'Presenoldeb',
  'sup.attendance.intro': 'Niferoedd yn unig: byth pwy ddaeth, byth beth a ddywedwyd. Caiff dyddiadau eu darllen yng nghylchfa amser yr hyb ({zone}).',
  'sup.attendance.from': 'O',
  'sup.attendance.to': 'I',
  'sup.attendance.show': 'Dangos presenoldeb',
  'sup.attendance.badRange': 'Dewiswch ddyddiad dechrau sydd ar y dyddiad gorffen neu cyn hynny, ac uchafswm o 366 diwrnod rhyngddynt.',
  'sup.attendance.none': 'Dim sesiynau rhwng y dyddiadau hyn.',
  'sup.attendance.sessionsCaption': 'Sesiynau, y mwyaf diweddar yn gyntaf',
  'sup.attendance.weeklyCaption': 'Pob grŵp, wythnos wrth wythnos',
  'sup.attendance.running': 'Yn dal i redeg',
  'sup.col.started': 'Dechreuodd',
  'sup.col.ended': 'Daeth i ben',
  'sup.col.group': 'Grŵp',
  'sup.col.members': 'Aelodau',
  'sup.col.facilitators': 'Hwyluswyr',
  'sup.col.newcomers': 'Newydd-ddyfodiaid',
  'sup.col.week': 'Wythnos yn dechrau',
  'sup.col.sessions': 'Sesiynau',

  // Refusals of the supervision routes
  'error.session_not_ended': 'Dydy’r sesiwn hon ddim wedi dod i ben eto. Ysgrifennwch eich ôl-drafodaeth pan fydd wedi gorffen.',
  'error.debrief_discussed': 'Mae’r ôl-drafodaeth hon wedi’i thrafod mewn goruchwyliaeth, felly does dim modd ei newid mwyach.',
  'error.training_not_current':
    'Dydy eich hyfforddiant hwylusydd ddim yn gyfredol (dydy e ddim ar gofnod, neu mae wedi dod i ben). Gofynnwch i weinyddwr eich hyb ei gofnodi.',
  'error.invalid_date': 'Dewiswch ddyddiadau go iawn, gyda’r dechrau ar y diwedd neu cyn hynny.',
  'error.window_too_long': 'Dewiswch 366 diwrnod ar y mwyaf.',
  'error.invalid_status': 'Dydy Alongside ddim yn adnabod yr hidlydd hwnnw. Dewiswch un arall.',
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts) for the counted sentences above. */
export const cySupervisionPlurals: PluralForms = {
  'sup.pending.intro.zero': 'Mae {count} sesiwn y gwnaethoch chi eu hwyluso yn aros am eich ôl-drafodaeth.',
  'sup.pending.intro.two': 'Mae {count} sesiwn y gwnaethoch chi eu hwyluso yn aros am eich ôl-drafodaeth.',
  'sup.pending.intro.few': 'Mae {count} sesiwn y gwnaethoch chi eu hwyluso yn aros am eich ôl-drafodaeth.',
  'sup.pending.intro.many': 'Mae {count} sesiwn y gwnaethoch chi eu hwyluso yn aros am eich ôl-drafodaeth.',
};
