/**
 * Arabic strings of privacy and data rights (views/privacy_parts.ts: the notices at sign-up, "Download my
 * data" and "Delete my account"), translated from ./en_privacy.ts.
 */
import type { PluralForms } from './en';
import type { enPrivacy } from './en_privacy';

export const arPrivacy: { readonly [K in keyof typeof enPrivacy]: string } = {
  // In the room: a message whose author deleted their account
  'privacy.messageRemoved': 'أُزيلت الرسالة.',
  // Sign-up: the hub's notice and terms, and the age
  'privacy.signUp.heading': 'الخصوصية والشروط',
  'privacy.signUp.intro': 'يُرجى قراءة كيفية حفاظ {hub} على المعلومات التي تتم مشاركتها، وشروط الانضمام.',
  'privacy.signUp.notice': 'إشعار الخصوصية',
  'privacy.signUp.terms': 'شروط الانضمام',
  'privacy.signUp.loading': 'جارٍ تحميل إشعار الخصوصية والشروط…',
  'privacy.signUp.unavailable': 'تعذّر تحميل إشعار الخصوصية. يُرجى إعادة تحميل الصفحة لقراءته قبل الانضمام.',
  'privacy.signUp.accept': 'قرأت إشعار الخصوصية والشروط وأقبلها',
  'privacy.signUp.age': 'عمري {age} عامًا أو أكثر',
  'privacy.signUp.acceptRequired': 'للانضمام، يُرجى قراءة إشعار الخصوصية والشروط وقبولها.',
  'privacy.signUp.ageRequired': 'يُرجى تأكيد أن عمرك {age} عامًا أو أكثر. Alongside مخصص للبالغين؛ وإذا كان عمرك أقل من ذلك، فيمكن لخطوط الأزمات المذكورة في هذه الصفحة مساعدتك الآن.',

  // Account: your data
  'privacy.account.heading': 'بياناتك',
  'privacy.account.intro':
    'يمكنك تنزيل كل ما يحتفظ به Alongside عنك، أو حذف حسابك. تُستثنى بعض ملاحظات الحماية من التنزيل حيث يسمح القانون بذلك، ويوضح الملف السبب.',
  'privacy.account.download': 'تنزيل بياناتي',
  'privacy.account.delete': 'حذف حسابي',
  'privacy.delete.title': 'حذف حسابك؟',
  'privacy.delete.explain':
    'ستظهر رسائلك على أنها «أُزيلت الرسالة» واسمك على أنه «عضو سابق». سيُحذف بريدك الإلكتروني وكلمة المرور، وسيتم تسجيل خروجك من جميع الأجهزة. لا يمكن التراجع عن ذلك.',
  'privacy.delete.safeguarding':
    'إذا كان أحدهم قلقًا على سلامة شخص ما، تُحفظ نسخ من الرسائل المعنية في سجل حماية لا يطّلع عليه إلا مسؤولو الحماية المدرَّبون، إلى أن تنتهي مدة الاحتفاظ به.',
  'privacy.delete.password': 'كلمة المرور',
  'privacy.delete.confirm': 'حذف حسابي',
  'privacy.delete.cancel': 'الإبقاء على حسابي',
  'privacy.delete.deleting': 'جارٍ الحذف…',
  'privacy.delete.passwordRequired': 'يُرجى إدخال كلمة المرور لحذف حسابك.',

  // Refusals (server codes)
  'error.notices_not_accepted': 'للانضمام، يُرجى قراءة إشعار الخصوصية والشروط وقبولها.',
  'error.below_minimum_age': 'يجب ألا يقل عمرك عن الحد الأدنى للعمر في المركز للانضمام.',
  'error.notices_changed': 'تغيّر إشعار الخصوصية أو الشروط أثناء التسجيل. يُرجى قراءتها مرة أخرى.',
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts) for the counted sentences above. */
export const arPrivacyPlurals: PluralForms = {};
