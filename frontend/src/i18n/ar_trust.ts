/** Arabic strings of the public privacy page and the front door's word on what people write, translated from
 * ./en_trust.ts. */
import type { PluralForms } from './en';
import type { enTrust } from './en_trust';

export const arTrust: { readonly [K in keyof typeof enTrust]: string } = {
  'privacyPage.title': 'إشعار الخصوصية والشروط',
  'privacyPage.intro':
    'ما يُحفظ عنك، ولأي مدة، ومن يمكنه الاطلاع عليه، وما توافق عليه عند الانضمام. يمكن لكل مركز أن يكتب إشعاره الخاص؛ وهذا هو الإشعار الذي يظهر عند التسجيل.',
  'privacyPage.notice': 'إشعار الخصوصية',
  'privacyPage.terms': 'الشروط',
  'privacyPage.version': 'الإصدار {version}',
  'privacyPage.link': 'الخصوصية والشروط',
  'landing.yourWords':
    'يطّلع على ما تكتبه أعضاء مجموعتك وميسّروها، ويُحذف بعد مدة محددة من انتهاء كل جلسة. وإذا كان أحد معرّضًا لخطر أذى جسيم، فقد يطّلع عليه أيضًا مسؤولو الحماية المدرَّبون.',
  'landing.readPrivacy': 'كيف تُحفظ كلماتك: إشعار الخصوصية والشروط',
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts): none here. */
export const arTrustPlurals: PluralForms = {};
