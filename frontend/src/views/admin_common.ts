/** Small pieces the hub administration screens share: sections, loading, zones and dates. */

import { describeError, isAbort } from '../api';
import { h, type Child } from '../dom';
import { AlertRegion } from '../forms';
import { locale, t, type MessageKey, type Params } from '../i18n';
import { hrefFor } from '../router';
import { parseServerTime } from '../time';

/** A titled section: `<section aria-labelledby>` with an h2 (or h3) heading. */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'admin-section', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

export function breadcrumb(path: string, label: string): HTMLElement {
  return h('p', { class: 'breadcrumb' }, h('a', { href: hrefFor(path) }, label));
}

/**
 * Load something into `into`: a loading line while it comes, then `render`'s answer; a failure is shown in
 * `alert` (announced) and cleared on the next successful load.
 */
export async function loadInto<T>(
  into: HTMLElement,
  alert: AlertRegion,
  signal: AbortSignal,
  fetcher: () => Promise<T>,
  render: (value: T) => Child,
): Promise<T | null> {
  into.setAttribute('aria-busy', 'true');
  if (!into.hasChildNodes()) into.replaceChildren(h('p', { class: 'loading' }, t('app.loading')));
  try {
    const value = await fetcher();
    if (signal.aborted) return null;
    alert.clear();
    into.replaceChildren();
    const rendered = render(value);
    if (rendered instanceof Node) into.append(rendered);
    else if (Array.isArray(rendered)) into.append(...rendered.filter((c): c is Node => c instanceof Node));
    return value;
  } catch (err) {
    if (isAbort(err) || signal.aborted) return null;
    if (into.querySelector('.loading')) into.replaceChildren();
    alert.show(describeError(err));
    return null;
  } finally {
    into.removeAttribute('aria-busy');
  }
}

/** The viewer's own IANA zone. */
export function viewerZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
}

/** Every IANA zone the browser knows, with `keep` in it even if the browser does not list it. */
export function timeZones(keep: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  if (!zones.includes('UTC')) zones = [...zones, 'UTC'];
  if (keep && !zones.includes(keep)) zones = [keep, ...zones];
  return zones;
}

const zonedFormats = new Map<string, Intl.DateTimeFormat>();
function zonedFormat(zone: string): Intl.DateTimeFormat {
  let format = zonedFormats.get(zone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(locale(), {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZone: zone,
        timeZoneName: 'short',
      });
    } catch {
      format = new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
    }
    zonedFormats.set(zone, format);
  }
  return format;
}

/** A moment with its date, in `zone` (the viewer's when left out). */
export function inZone(date: Date, zone: string = viewerZone()): string {
  return zonedFormat(zone).format(date);
}

/** A `<time>` for a server timestamp, with the date, in the viewer's zone. */
export function whenElement(value: string): HTMLTimeElement {
  const date = parseServerTime(value);
  if (!date) return h('time', { datetime: value }, value);
  return h('time', { datetime: date.toISOString() }, inZone(date));
}

const dateOnly = new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' });

/** A calendar date ("2026-11-23") as words; no zone involved. */
export function dateText(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return value;
  return dateOnly.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))));
}

export function dateElement(value: string): HTMLTimeElement {
  return h('time', { datetime: value }, dateText(value));
}

/** Today's date in the viewer's zone, as YYYY-MM-DD (what `<input type=date>` holds). */
export function todayIso(offsetDays = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** How far `zone` is ahead of UTC at `instant`, in milliseconds. */
function zoneOffset(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? '0');
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall-clock date and time ("2026-11-26", "19:00") in `zone` names. */
export function zonedInstant(date: string, time: string, zone: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const tm = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !tm) return null;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(tm[1]), Number(tm[2]));
  let guess = wall - zoneOffset(wall, zone);
  guess = wall - zoneOffset(guess, zone);
  return new Date(guess);
}

/** The wall-clock date and time of `date` in `zone`, as input values. */
export function wallClock(date: Date, zone: string): { date: string; time: string } {
  const shifted = new Date(date.getTime() + zoneOffset(date.getTime(), zone));
  const iso = shifted.toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** Weekday names, Monday first (the API's 0 = Monday .. 6 = Sunday). */
export function weekdayNames(): string[] {
  const format = new Intl.DateTimeFormat(locale(), { weekday: 'long', timeZone: 'UTC' });
  // 1 January 2024 was a Monday.
  return Array.from({ length: 7 }, (_, i) => format.format(new Date(Date.UTC(2024, 0, 1 + i))));
}

/** A list, or a sentence saying it is empty. */
export function listOrEmpty(items: HTMLElement[], empty: string, attrs: Record<string, string> = {}): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted' }, empty);
  return h('ul', { class: 'admin-list', ...attrs }, items);
}

/** A catalogue sentence with an element (such as a `<time>`) in place of its `{when}` placeholder. */
export function tWith(key: MessageKey, node: Node, params: Params = {}): (Node | string)[] {
  const marker = '\u0000';
  const text = t(key, { ...params, when: marker });
  const at = text.indexOf(marker);
  if (at < 0) return [text];
  return [text.slice(0, at), node, text.slice(at + marker.length)];
}
