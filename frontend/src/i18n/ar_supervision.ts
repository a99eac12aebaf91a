/**
 * Arabic strings of supervision after a session (views/debrief.ts, views/debrief_notice.ts,
 * views/supervision.ts), translated from ./en_supervision.ts.
 */
import type { PluralForms } from './en';
import type { enSupervision } from './en_supervision';

export const arSupervision: { readonly [K in keyof typeof enSupervision]: string } = {
  'nav.supervision': 'الإشراف',

  // A facilitator's debrief (/debrief/:sessionId)
  'sup.debrief.title': 'ملخص ما بعد الجلسة',
  'sup.debrief.heading': 'بعد الجلسة',
  'sup.debrief.intro':
    'قد يكون تيسير الجلسات حملًا ثقيلًا، ومن المفيد تخصيص بضع دقائق لنفسك. ما يُكتب هنا يصل إلى فريق الإشراف في مركزك (الأقران ذوو الخبرة ومديرو المركز)، فلا يقع عبء الجلسة عليك وحدك. ولا يُعرض على الأعضاء أبدًا.',
  'sup.debrief.sessionOf': 'جلسة {group}',
  'sup.debrief.howItWent': 'كيف سارت الجلسة؟',
  'sup.debrief.howItWent.hint': 'ما الذي حدث، وما الذي سار على ما يرام، وما الذي كان صعبًا.',
  'sup.debrief.followUp': 'هل هناك ما يحتاج إلى متابعة؟',
  'sup.debrief.followUp.hint': 'اختياري. مثلًا عضو يُستحسن الاطمئنان عليه، أو أمر ينبغي أن يعرفه المركز.',
  'sup.debrief.wellbeing': 'كيف حالك؟',
  'sup.debrief.wellbeing.hint': 'اختياري. كيف أثّرت فيك الجلسة، وما قد يفيدك من دعم.',
  'sup.debrief.save': 'حفظ الملخص',
  'sup.debrief.saveChanges': 'حفظ التغييرات',
  'sup.debrief.saving': 'جارٍ الحفظ…',
  'sup.debrief.saved': 'شكرًا لك. تم حفظ ملخصك وإرساله إلى فريق الإشراف.',
  'sup.debrief.changesSaved': 'تم حفظ تغييراتك.',
  'sup.debrief.editNote': 'يمكنك تعديل ملخصك إلى أن تتم مناقشته في الإشراف.',
  'sup.debrief.discussedNote': 'تمت مناقشة هذا الملخص في الإشراف، لذا لم يعد من الممكن تعديله.',
  'sup.debrief.required': 'يُرجى كتابة بضع كلمات عن سير الجلسة.',
  'sup.debrief.tooLong': 'يُرجى ألا يتجاوز عدد أحرف كل إجابة {max}.',
  'sup.debrief.backToGroups': 'العودة إلى مجموعاتك',
  'sup.debrief.empty': 'لم يُكتب شيء.',

  // The notice of debriefs waiting (account page)
  'sup.pending.heading': 'ملخص ما بعد الجلسة بانتظارك',
  'sup.pending.intro.one': 'هناك جلسة يسّرتها بانتظار ملخصك.',
  'sup.pending.intro.other': 'هناك {count} جلسة يسّرتها بانتظار ملخصك.',
  'sup.pending.link': 'كتابة ملخص جلسة {group} التي انتهت في {time}',

  // Supervision (/supervision)
  'sup.title': 'الإشراف',
  'sup.intro':
    'ملخصات ما بعد الجلسة من ميسّري مركزك، وعدد الحاضرين في الجلسات. الملخصات مخصصة للإشراف فقط: لا تُشارَك مع الأعضاء أبدًا.',
  'sup.noAccess': 'الإشراف مخصص للأقران ذوي الخبرة ومديري المركز.',
  'sup.noHubs': 'لا توجد مراكز ضمن إشرافك بعد.',
  'sup.debriefs.heading': 'ملخصات ما بعد الجلسات',
  'sup.filter.legend': 'عرض الملخصات',
  'sup.filter.open': 'بانتظار المناقشة',
  'sup.filter.discussed': 'تمت مناقشتها',
  'sup.filter.all': 'الكل',
  'sup.debriefs.noneOpen': 'لا توجد ملخصات بانتظار المناقشة.',
  'sup.debriefs.none': 'لا توجد ملخصات لعرضها.',
  'sup.item.heading': '{group}: ملخص من {name}',
  'sup.item.session': 'الجلسة',
  'sup.item.sessionTimes': 'من {start} إلى {end}',
  'sup.item.written': 'تاريخ الكتابة',
  'sup.item.status': 'الحالة',
  'sup.item.waiting': 'بانتظار المناقشة',
  'sup.item.discussedBy': 'تمت مناقشته بواسطة {name}،',
  'sup.item.endedAlone': 'انتهت الجلسة تلقائيًا: لم يعد أي ميسّر في الوقت المحدد.',
  'sup.markDiscussed': 'وضع علامة «تمت المناقشة»',
  'sup.marking': 'جارٍ وضع العلامة…',
  'sup.marked': 'تم وضع علامة «تمت المناقشة» على ملخص {name}.',
  'sup.attendance.heading': 'الحضور',
  'sup.attendance.intro': 'أعداد فقط: لا تُعرض أبدًا هوية الحاضرين ولا ما قيل. تُقرأ التواريخ بحسب المنطقة الزمنية للمركز ({zone}).',
  'sup.attendance.from': 'من',
  'sup.attendance.to': 'إلى',
  'sup.attendance.show': 'عرض الحضور',
  'sup.attendance.badRange': 'يُرجى اختيار تاريخ بداية يسبق تاريخ النهاية أو يوافقه، على ألا يتجاوز الفرق بينهما 366 يومًا.',
  'sup.attendance.none': 'لا توجد جلسات بين هذين التاريخين.',
  'sup.attendance.sessionsCaption': 'الجلسات، الأحدث أولًا',
  'sup.attendance.weeklyCaption': 'كل مجموعة، أسبوعًا بأسبوع',
  'sup.attendance.running': 'لا تزال جارية',
  'sup.col.started': 'البداية',
  'sup.col.ended': 'النهاية',
  'sup.col.group': 'المجموعة',
  'sup.col.members': 'الأعضاء',
  'sup.col.facilitators': 'الميسّرون',
  'sup.col.newcomers': 'الأعضاء الجدد',
  'sup.col.week': 'أسبوع',
  'sup.col.sessions': 'الجلسات',

  // Refusals of the supervision routes
  'error.session_not_ended': 'لم تنتهِ هذه الجلسة بعد. يمكن كتابة الملخص بعد انتهائها.',
  'error.debrief_discussed': 'تمت مناقشة هذا الملخص في الإشراف، لذا لم يعد من الممكن تعديله.',
  'error.training_not_current':
    'تدريبك كميسّر غير ساري المفعول (غير مسجَّل، أو انتهت صلاحيته). يُرجى الطلب من مدير المركز تسجيله.',
  'error.invalid_date': 'يُرجى اختيار تواريخ صحيحة، على أن يسبق تاريخ البداية تاريخ النهاية أو يوافقه.',
  'error.window_too_long': 'يُرجى اختيار فترة لا تتجاوز 366 يومًا.',
  'error.invalid_status': 'عامل التصفية هذا ليس مما يعرفه Alongside. يُرجى اختيار غيره.',
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts) for the counted sentences above. */
export const arSupervisionPlurals: PluralForms = {
  'sup.pending.intro.zero': 'لا توجد جلسات بانتظار ملخصك ({count}).',
  'sup.pending.intro.two': 'هناك جلستان يسّرتهما بانتظار ملخصك ({count}).',
  'sup.pending.intro.few': 'هناك {count} جلسات يسّرتها بانتظار ملخصك.',
  'sup.pending.intro.many': 'هناك {count} جلسة يسّرتها بانتظار ملخصك.',
};
