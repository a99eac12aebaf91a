/**
 * When a group meets, in words: "Thursday 27 November at 19:00" in the viewer's own locale and time zone.
 * Times arrive as UTC ISO 8601; people plan around a day and a clock time, so both are always given.
 */

import { h } from './dom';
import { locale, t, type MessageKey } from './i18n';
import { parseServerTime } from './time';

// `undefined` locale and no timeZone: the browser's own locale and zone.
const day = new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'long' });
const dayWithYear = new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const clock = new Intl.DateTimeFormat(locale(), { hour: 'numeric', minute: '2-digit' });
const full = new Intl.DateTimeFormat(locale(), { dateStyle: 'full', timeStyle: 'long' });

/** "Thursday 27 November at 19:00" (the year too when it is not this year's). */
export function meetingText(value: string, now: Date = new Date()): string {
  const date = parseServerTime(value);
  if (!date) return value;
  const dayText = (date.getFullYear() === now.getFullYear() ? day : dayWithYear).format(date);
  return t('meeting.dayAtTime', { day: dayText, time: clock.format(date) });
}

/** A `<time>` holding meetingText, with the machine-readable instant and the full form as its title. */
export function meetingTime(value: string): HTMLTimeElement {
  const date = parseServerTime(value);
  if (!date) return h('time', null, value);
  return h('time', { datetime: date.toISOString(), title: full.format(date) }, meetingText(value));
}

/**
 * A catalogue sentence with a `{when}` placeholder, as text around a `<time>` element, so translations
 * keep their own word order: whenSentence('meeting.nextMeetsOn', iso) → "This group next meets on <time>.".
 */
export function whenSentence(key: MessageKey, value: string): (Node | string)[] {
  const template = t(key);
  const at = template.indexOf('{when}');
  if (at < 0) return [template];
  return [template.slice(0, at), meetingTime(value), template.slice(at + '{when}'.length)].filter((part) => part !== '');
}
