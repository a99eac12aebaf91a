/** Welsh strings of the session tools beside the chat (../room/tools.ts), translated from ./en_room.ts. */
import type { PluralForms } from './en';
import type { enRoom } from './en_room';

export const cyRoom: { readonly [K in keyof typeof enRoom]: string } = {
  'tools.heading': 'Offer y sesiwn',
  'tools.handsHeading': 'Dwylo i fyny',
  'tools.noHands': 'Does dim dwylo i fyny.',
  'tools.raiseHand': 'Codi fy llaw',
  'tools.lowerHand': 'Rhoi fy llaw i lawr',
  'tools.handRaised': 'Mae eich llaw i fyny. Bydd hwylusydd yn ei gweld.',
  'tools.handLowered': 'Mae eich llaw i lawr.',
  'tools.takeBreak': 'Cymryd seibiant',
  'tools.imBack': 'Rydw i’n ôl',
  'tools.onBreak': 'Rydych chi’n camu allan. Mae eraill yn gweld eich bod chi’n cymryd seibiant.',
  'tools.back': 'Croeso nôl.',
  'tools.steppingOut': 'yn camu allan',
  'tools.askPrivate': 'Gofyn am air preifat',
  'tools.privateWaiting': 'Rydych chi wedi gofyn am air preifat. Bydd hwylusydd yn ei agor cyn bo hir.',
  'tools.privateOpen': 'Mae eich gair preifat gyda’r hwyluswyr ar agor isod. Dim ond chi a’r hwyluswyr sy’n ei weld.',
  'tools.privateArrived': 'Neges breifat newydd gan {name}.',
  'tools.privateAsked': 'Mae {name} wedi gofyn am air preifat.',
  'tools.privateHeading': 'Ceisiadau am air preifat',
  'tools.noRequests': 'Does neb yn aros am air preifat.',
  'tools.openPrivate': 'Agor gair preifat gyda {name}',
  'tools.threadWith': 'Gair preifat gyda {name}',
  'tools.threadMine': 'Eich gair preifat gyda’r hwyluswyr',
  'tools.privateLabel': 'Ysgrifennu neges breifat',
  'tools.oneVoice': 'Un llais ar y tro (dim ond y person sydd â’r tro, a’r hwyluswyr, sy’n gallu postio)',
  'tools.giveTurn': 'Rhoi’r tro i {name}',
  'tools.hasTurn': 'Mae’r tro gan rywun.',
  'tools.takeTurnBack': 'Cymryd y tro yn ôl',
  'tools.waitForTurn': 'Un llais ar y tro sydd ar hyn o bryd. Codwch eich llaw, a bydd hwylusydd yn rhoi’r tro i chi.',
  'tools.newcomersHeading': 'Sesiwn gyntaf yma',
  'tools.noNewcomers': 'Does neb yn newydd heddiw.',
  'tools.newcomerArrived': 'Dyma sesiwn gyntaf {name}. Efallai yr hoffech chi estyn croeso.',
  'tools.someone': 'Aelod newydd',
  'tools.backchannelHeading': 'Sianel gefn yr hwyluswyr',
  'tools.backchannelNote': 'Dim ond hwyluswyr y sesiwn sy’n gweld hyn. Dydy aelodau byth yn ei weld.',
  'tools.backchannelLabel': 'Ysgrifennu at yr hwyluswyr eraill',
  'tools.send': 'Anfon',
  'nav.space': 'Gofod yr hwyluswyr',
  'space.title': 'Gofod yr hwyluswyr',
  'space.intro':
    'Ystafell barhaol i hwyluswyr cymheiriaid sydd â hyfforddiant cyfredol, o bob hyb: rhannwch arferion, gofynnwch sut mae eraill yn delio â phethau, a gofalwch am eich gilydd.',
  'space.unavailable':
    'Mae gofod yr hwyluswyr ar agor i hwyluswyr sydd â hyfforddiant cyfredol. Efallai fod eich hyfforddiant chi wedi dod i ben, neu nad yw’r gofod wedi’i agor eto.',
  'space.checkTraining': 'Gweld eich hyfforddiant ar dudalen eich cyfrif',
  'error.not_your_turn': 'Un llais ar y tro sydd ar hyn o bryd. Codwch eich llaw, a bydd hwylusydd yn rhoi’r tro i chi.',
  'error.facilitators_only': 'Dim ond hwyluswyr y sesiwn sy’n gallu gwneud hynny.',
  'error.members_only': 'Hwyluswyr sy’n agor geiriau preifat; aelodau sy’n gofyn amdanyn nhw.',
  'error.private_word_not_open': 'Dydy hwylusydd ddim wedi agor y gair preifat hwn eto.',
  'error.not_present': 'Dydy’r person hwnnw ddim yn yr ystafell ar hyn o bryd.',
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts): this file has no counted sentences. */
export const cyRoomPlurals: PluralForms = {};
