/**
 * Arabic strings of account recovery (views/reset.ts, the reset link in views/admin_members.ts and the
 * sign-in page's "Forgot your password?"), translated from ./en_recovery.ts.
 */
import type { PluralForms } from './en';
import type { enRecovery } from './en_recovery';

export const arRecovery: { readonly [K in keyof typeof enRecovery]: string } = {
  // Sign-in page
  'recovery.forgotLink': 'هل نسيت كلمة المرور؟',
  // "Forgot your password?" (/forgot)
  'recovery.forgot.title': 'هل نسيت كلمة المرور؟',
  'recovery.forgot.intro':
    'إذا قدّمت عنوان بريد إلكتروني عند التسجيل، يمكننا أن نرسل إليك رابطًا لاختيار كلمة مرور جديدة. وإن لم يكن الأمر كذلك، يُرجى طلب رابط إعادة تعيين من أحد مديري مركزك.',
  'recovery.forgot.submit': 'إرسال رابط إعادة التعيين إليّ',
  'recovery.forgot.submitting': 'جارٍ الإرسال…',
  'recovery.forgot.sent':
    'شكرًا لك. إذا كان لهذا الاسم المستعار عنوان بريد إلكتروني لدينا، فرابط إعادة التعيين في طريقه إليك. يعمل الرابط مرة واحدة، لمدة 24 ساعة. لم يصل شيء؟ يُرجى التحقق من مجلد الرسائل غير المرغوب فيها، أو التواصل مع أحد مديري مركزك.',
  'recovery.backToSignIn': 'العودة إلى تسجيل الدخول',
  // The reset page (/reset/<token>)
  'recovery.reset.title': 'اختيار كلمة مرور جديدة',
  'recovery.reset.for': 'كلمة مرور جديدة لـ {name}. يعمل الرابط مرة واحدة، حتى {until}.',
  'recovery.reset.password': 'كلمة المرور الجديدة',
  'recovery.reset.submit': 'حفظ كلمة المرور الجديدة',
  'recovery.reset.submitting': 'جارٍ الحفظ…',
  'recovery.reset.done': 'تم حفظ كلمة المرور الجديدة، وتم تسجيل الخروج من كل متصفح كان مسجَّل الدخول إلى حسابك. يُرجى تسجيل الدخول بها الآن.',
  'recovery.reset.checking': 'جارٍ التحقق من الرابط…',
  // A hub admin's member list
  'recovery.issue': 'إصدار رابط لإعادة تعيين كلمة المرور',
  'recovery.issueNamed': 'إصدار رابط لإعادة تعيين كلمة مرور {name}',
  'recovery.issuing': 'جارٍ الإصدار…',
  'recovery.issueTitle': 'إصدار رابط لإعادة تعيين كلمة مرور {name}؟',
  'recovery.issueBody':
    'سيتم تسجيل خروج {name} من جميع الأجهزة فورًا. يعمل الرابط مرة واحدة، لمدة 24 ساعة؛ يُرجى تسليمه بشكل خاص. لا يظهر إلا الآن، ويسجّل سجل المركز أنك أصدرته.',
  'recovery.linkOnce': 'يُرجى تسليم هذا الرابط إلى {name} بشكل خاص. لا يظهر إلا مرة واحدة، ويعمل مرة واحدة، حتى {until}.',
  'recovery.linkLabel': 'رابط إعادة التعيين لـ {name}',
  'recovery.copy': 'نسخ الرابط',
  'recovery.copied': 'تم النسخ.',
  'recovery.copyFailed': 'تعذّر النسخ: الرابط محدَّد، لذا يمكن نسخه باستخدام لوحة المفاتيح.',
  // Server refusals
  'error.reset_link_invalid':
    'رابط إعادة التعيين هذا لا يعمل: فقد سبق استخدامه، أو انتهت صلاحيته، أو حلّ محله رابط أحدث. يُرجى طلب رابط جديد من أحد مديري المركز، أو استخدام «هل نسيت كلمة المرور؟».',
  'error.reset_staff_refused': 'لا يمكن إصدار رابط إعادة تعيين لأحد أفراد فريق العمل إلا من قِبل مدير المنصة.',
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts) for the counted sentences above. */
export const arRecoveryPlurals: PluralForms = {};
