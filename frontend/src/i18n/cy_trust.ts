/** Welsh strings of the public privacy page and the front door's word on what people write, translated from
 * ./en_trust.ts. */
import type { PluralForms } from './en';
import type { enTrust } from './en_trust';

export const cyTrust: { readonly [K in keyof typeof enTrust]: string } = {
  'privacyPage.title': 'Hysbysiad preifatrwydd a thelerau',
  'privacyPage.intro':
    'Beth sy’n cael ei gadw amdanoch chi, am ba hyd, pwy sy’n gallu ei weld, a’r hyn rydych chi’n cytuno iddo wrth ymuno. Gall pob hyb ysgrifennu ei un ei hun; dyma’r un a ddangosir wrth gofrestru.',
  'privacyPage.notice': 'Hysbysiad preifatrwydd',
  'privacyPage.terms': 'Telerau',
  'privacyPage.version': 'Fersiwn {version}',
  'privacyPage.link': 'Preifatrwydd a thelerau',
  'landing.yourWords':
    'Mae’r hyn rydych chi’n ei ysgrifennu yn cael ei weld gan eich grŵp a’i hwyluswyr, ac yn cael ei ddileu amser penodol ar ôl pob sesiwn. Os gallai rhywun fod mewn perygl o niwed difrifol, gall arweinwyr diogelu hyfforddedig ei weld hefyd.',
  'landing.readPrivacy': 'Sut mae eich geiriau’n cael eu cadw: yr hysbysiad preifatrwydd a’r telerau',
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts): none here. */
export const cyTrustPlurals: PluralForms = {};
