/**
 * English catalogue. Every string a person sees (or hears from a screen reader) lives here.
 *
 * Placeholders are written `{name}` and filled in by `t(key, { name })`. To add a language, copy this
 * file, translate the values (keep the keys and placeholders), give it its own `lang`/`dir` and add it to
 * `catalogues` in ./index.ts. The type below makes a missing key a compile error.
 */
import { enAdmin } from './en_admin';
import { enSupervision } from './en_supervision';
import { enModeration } from './en_moderation';
import { enRoom } from './en_room';
import { enSafeguarding } from './en_safeguarding';
import { enRecovery } from './en_recovery';
import { enPrivacy } from './en_privacy';
import { enCore } from './en_core';
import { enLanguage } from './en_language';
import { enNoticesAdmin } from './en_notices_admin';
import { enTrust } from './en_trust';

export const en = {
  ...enAdmin, // hub administration (./en_admin.ts); keys below win
  ...enSupervision, // debriefs, supervision and attendance (./en_supervision.ts)
  ...enRoom, // session tools beside the chat (./en_room.ts)
  ...enModeration, // moderation and members' own tools in the room (./en_moderation.ts)
  ...enSafeguarding, // help now, concerns, the safeguarding console and escalation (./en_safeguarding.ts)
  ...enRecovery, // password reset links and "Forgot your password?" (./en_recovery.ts)
  ...enPrivacy, // privacy notice and terms at sign-up, download my data, delete my account (./en_privacy.ts)
  ...enLanguage, // the language picker (./en_language.ts)
  ...enTrust, // the public privacy page and the front door's word on what people write (./en_trust.ts)
  ...enNoticesAdmin, // the hub's notices and retention as its admins edit them, a group's retention (./en_notices_admin.ts)
  ...enCore, // the application frame, sign-in, directory, groups and the room (./en_core.ts); these win
} as const;

export type MessageKey = keyof typeof en;
export type Messages = { readonly [K in MessageKey]: string };

export interface Catalogue {
  /** BCP 47 language tag, set on <html lang>. */
  readonly lang: string;
  /** Writing direction, set on <html dir>. */
  readonly dir: 'ltr' | 'rtl';
  readonly messages: Messages;
  /**
   * Extra plural forms for counted sentences, for languages with more than "one" and "other" (Welsh and
   * Arabic have zero, two, few and many too): keyed `<base>.<category>`, where `<base>.other` is the
   * catalogue key, e.g. `room.caughtUp.few`. `tCount` uses one when `Intl.PluralRules` picks its category.
   */
  readonly plurals?: PluralForms;
  /** The language's own name for itself, shown in the language picker. */
  readonly nativeName: string;
}

/** Extra plural forms of a catalogue (see `Catalogue.plurals`). */
export type PluralForms = Readonly<Record<string, string>>;

export const english: Catalogue = { lang: 'en', dir: 'ltr', messages: en, nativeName: 'English' };
