/** Dates from the server are UTC ISO 8601; show them in the viewer's own locale and time zone. */

import { h } from './dom';
import { locale } from './i18n';

/**
 * Parse a server timestamp. Python may send microseconds ("…:00.123456Z") or "+00:00"; trim the fraction
 * to milliseconds so every browser parses it the same way.
 */
export function parseServerTime(value: string): Date | null {
  const normalised = value.trim().replace(/(\.\d{3})\d+/, '$1').replace(/\+00:?00$/, 'Z');
  const withZone = /[zZ]$|[+-]\d\d:?\d\d$/.test(normalised) ? normalised : `${normalised}Z`;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? null : date;
}

// The interface language's conventions and, with no timeZone, the viewer's own zone.
const timeOnly = new Intl.DateTimeFormat(locale(), { hour: 'numeric', minute: '2-digit' });
const dateAndTime = new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' });
const full = new Intl.DateTimeFormat(locale(), { dateStyle: 'full', timeStyle: 'long' });

function sameLocalDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** Time only for today, date and time otherwise. */
export function formatMoment(date: Date, now: Date = new Date()): string {
  return sameLocalDay(date, now) ? timeOnly.format(date) : dateAndTime.format(date);
}

export function formatDateTime(date: Date): string {
  return dateAndTime.format(date);
}

/** A `<time>` element: machine-readable UTC in `datetime`, the local time as its text. */
export function timeElement(value: string): HTMLTimeElement {
  const date = parseServerTime(value);
  if (!date) return h('time', { datetime: value }, value);
  return h('time', { datetime: date.toISOString(), title: full.format(date) }, formatMoment(date));
}

/** A server timestamp as local text (date and time), or the raw value if it cannot be parsed. */
export function localText(value: string): string {
  const date = parseServerTime(value);
  return date ? formatMoment(date) : value;
}
