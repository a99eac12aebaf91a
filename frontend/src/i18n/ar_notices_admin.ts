/** Arabic strings of the hub's privacy notice, terms and retention as its admins edit them, and of a group's
 * message retention, translated from ./en_notices_admin.ts. */
import type { PluralForms } from './en';
import type { enNoticesAdmin } from './en_notices_admin';

export const arNoticesAdmin: { readonly [K in keyof typeof enNoticesAdmin]: string } = {
  // Hub admin: the notice, the terms, the minimum age and how long records are kept
  'adm.notices.heading': 'إشعار الخصوصية والشروط ومدد الاحتفاظ',
  'adm.notices.intro':
    'يقرأ الأشخاص إشعار الخصوصية والشروط عند التسجيل، ويُسجَّل مع قبولهم رقم الإصدار الذي قرؤوه. كل تغيير هنا يُنشئ إصدارًا جديدًا.',
  'adm.notices.version': 'الإصدار الحالي: {version}',
  'adm.notices.privacy': 'إشعار الخصوصية',
  'adm.notices.terms': 'شروط الانضمام',
  'adm.notices.text.hint':
    'نص عادي؛ يبدأ السطر الفارغ فقرة جديدة. اتركه فارغًا لاستعادة النص الافتراضي لـ Alongside، الذي يذكر اسم المركز ومدد الاحتفاظ فيه.',
  'adm.notices.minimumAge': 'الحد الأدنى للعمر للانضمام',
  'adm.notices.minimumAge.hint': 'من 13 إلى 120. يؤكد الأشخاص عند التسجيل أن أعمارهم تبلغ هذا الحد أو أكثر.',
  'adm.notices.minimumAgeRange': 'يُرجى إدخال حد أدنى للعمر من 13 إلى 120، بعدد صحيح.',
  'adm.notices.safeguardingDays': 'عدد أيام الاحتفاظ بسجلات الحماية',
  'adm.notices.safeguardingDays.hint': 'من 365 إلى 3650 (من سنة إلى عشر سنوات).',
  'adm.notices.safeguardingDaysRange': 'يُرجى إدخال عدد أيام الاحتفاظ بسجلات الحماية عددًا صحيحًا من 365 إلى 3650.',
  'adm.notices.logDays': 'عدد أيام الاحتفاظ بسجل إدارة المحتوى',
  'adm.notices.logDays.hint': 'من 365 إلى 3650 (من سنة إلى عشر سنوات).',
  'adm.notices.logDaysRange': 'يُرجى إدخال عدد أيام الاحتفاظ بسجل إدارة المحتوى عددًا صحيحًا من 365 إلى 3650.',
  'adm.notices.messagesNote': 'تُحدَّد مدة الاحتفاظ برسائل كل مجموعة في إعدادات تلك المجموعة.',
  'adm.notices.saved': 'تم الحفظ: الإصدار {version}.',

  // Hub admin: a group's message retention
  'adm.group.retention': 'عدد أيام الاحتفاظ بالرسائل بعد كل جلسة',
  'adm.group.retention.hint': 'من 1 إلى 3650. يرى الأعضاء ذلك في صفحة المجموعة.',
  'adm.group.retentionRange': 'يُرجى إدخال عدد أيام الاحتفاظ بالرسائل عددًا صحيحًا من 1 إلى 3650.',

  // The group's page, for members (the count's noun takes its plural form: see the Plurals below)
  'group.retention.one': 'تُحفظ الرسائل بعد كل جلسة مدة {count} يوم، ثم تُحذف.',
  'group.retention.other': 'تُحفظ الرسائل بعد كل جلسة مدة {count} يوم، ثم تُحذف.',
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts): the days of the group's retention. */
export const arNoticesAdminPlurals: PluralForms = {
  'group.retention.zero': 'تُحفظ الرسائل بعد كل جلسة مدة {count} يوم، ثم تُحذف.',
  'group.retention.two': 'تُحفظ الرسائل بعد كل جلسة مدة {count} يومين، ثم تُحذف.',
  'group.retention.few': 'تُحفظ الرسائل بعد كل جلسة مدة {count} أيام، ثم تُحذف.',
  'group.retention.many': 'تُحفظ الرسائل بعد كل جلسة مدة {count} يومًا، ثم تُحذف.',
};
