/** Arabic strings of the session tools beside the chat (../room/tools.ts), translated from ./en_room.ts. */
import type { PluralForms } from './en';
import type { enRoom } from './en_room';

export const arRoom: { readonly [K in keyof typeof enRoom]: string } = {
  'tools.heading': 'أدوات الجلسة',
  'tools.handsHeading': 'الأيدي المرفوعة',
  'tools.noHands': 'لا توجد أيدٍ مرفوعة.',
  'tools.raiseHand': 'رفع يدي',
  'tools.lowerHand': 'إنزال يدي',
  'tools.handRaised': 'يدك مرفوعة، وسيراها أحد الميسّرين.',
  'tools.handLowered': 'يدك لم تعد مرفوعة.',
  'tools.takeBreak': 'أخذ استراحة',
  'tools.imBack': 'لقد عدت',
  'tools.onBreak': 'أنت في استراحة الآن، وسيظهر للآخرين أنك خرجت لبعض الوقت.',
  'tools.back': 'مرحبًا بعودتك.',
  'tools.steppingOut': 'في استراحة',
  'tools.askPrivate': 'طلب حديث خاص',
  'tools.privateWaiting': 'طلبت حديثًا خاصًا، وسيفتحه أحد الميسّرين قريبًا.',
  'tools.privateOpen': 'حديثك الخاص مع الميسّرين مفتوح أدناه. لا يراه أحد غيرك وغير الميسّرين.',
  'tools.privateArrived': 'رسالة خاصة جديدة من {name}.',
  'tools.privateAsked': 'طلب حديث خاص من {name}.',
  'tools.privateHeading': 'طلبات الحديث الخاص',
  'tools.noRequests': 'لا أحد بانتظار حديث خاص.',
  'tools.openPrivate': 'فتح حديث خاص مع {name}',
  'tools.threadWith': 'حديث خاص مع {name}',
  'tools.threadMine': 'حديثك الخاص مع الميسّرين',
  'tools.privateLabel': 'كتابة رسالة خاصة',
  'tools.oneVoice': 'صوت واحد في كل مرة (لا يمكن النشر إلا لصاحب الدور وللميسّرين)',
  'tools.giveTurn': 'إعطاء الدور إلى {name}',
  'tools.hasTurn': 'الدور الآن لأحد المشاركين.',
  'tools.takeTurnBack': 'استعادة الدور',
  'tools.waitForTurn': 'الحديث الآن بصوت واحد في كل مرة. يمكنك رفع يدك، وسيعطيك أحد الميسّرين الدور.',
  'tools.newcomersHeading': 'الجلسة الأولى هنا',
  'tools.noNewcomers': 'لا يوجد أحد جديد اليوم.',
  'tools.newcomerArrived': 'هذه الجلسة الأولى لـ {name}، وقد يكون الترحيب لفتة لطيفة.',
  'tools.someone': 'عضو جديد',
  'tools.backchannelHeading': 'القناة الجانبية للميسّرين',
  'tools.backchannelNote': 'لا يرى هذا إلا ميسّرو الجلسة، ولا يراه الأعضاء أبدًا.',
  'tools.backchannelLabel': 'الكتابة إلى الميسّرين الآخرين',
  'tools.send': 'إرسال',
  'nav.space': 'مساحة الميسّرين',
  'space.title': 'مساحة الميسّرين',
  'space.intro':
    'غرفة دائمة لميسّري الأقران ذوي التدريب الساري من كل المراكز: لتبادل الخبرات، والسؤال عن طرق تعامل الآخرين مع المواقف، والاهتمام ببعضنا بعضًا.',
  'space.unavailable':
    'مساحة الميسّرين مفتوحة للميسّرين الذين تدريبهم ساري المفعول. ربما انتهت صلاحية تدريبك، أو لم تُفتح المساحة بعد.',
  'space.checkTraining': 'الاطلاع على تدريبك في صفحة حسابك',
  'error.not_your_turn': 'الحديث الآن بصوت واحد في كل مرة. يمكنك رفع يدك، وسيعطيك أحد الميسّرين الدور.',
  'error.facilitators_only': 'لا يمكن القيام بذلك إلا لميسّري الجلسة.',
  'error.members_only': 'الميسّرون يفتحون الأحاديث الخاصة، والأعضاء يطلبونها.',
  'error.private_word_not_open': 'لم يفتح أي ميسّر هذا الحديث الخاص بعد.',
  'error.not_present': 'هذا الشخص ليس في الغرفة الآن.',
};

/** Extra plural forms (see Catalogue.plurals in ./en.ts) for the counted sentences above. */
export const arRoomPlurals: PluralForms = {};
