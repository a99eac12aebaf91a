/** A hub's crisis lines as a list: name, a phone number to tap, how to text, the website and the hours. */

import { h } from '../dom';
import { t } from '../i18n';
import type { CrisisLine } from '../types_member';

type Heading = 'h3' | 'h4';

/** The number as a `tel:` address: digits and a leading + only ("116 123" → "tel:116123"). */
export function telHref(phone: string): string {
  const plus = phone.trim().startsWith('+') ? '+' : '';
  return `tel:${plus}${phone.replace(/[^0-9]/g, '')}`;
}

/** Only https:// addresses become links (the server checks this too); anything else is shown as text. */
function safeWeb(web: string): URL | null {
  try {
    const url = new URL(web);
    return url.protocol === 'https:' && url.hostname !== '' ? url : null;
  } catch {
    return null;
  }
}

function entry(term: string, ...value: (Node | string)[]): Node[] {
  return [h('dt', null, term), h('dd', null, ...value)];
}

function lineItem(line: CrisisLine, heading: Heading): HTMLLIElement {
  const parts: Node[] = [];
  if (line.phone.trim() !== '' && /[0-9]/.test(line.phone)) {
    parts.push(
      ...entry(t('crisis.phone'), h('a', { href: telHref(line.phone), class: 'crisis__phone', 'data-testid': 'crisis-phone' }, line.phone)),
    );
  }
  if (line.sms.trim() !== '') parts.push(...entry(t('crisis.sms'), h('span', { dir: 'auto' }, line.sms)));
  const web = line.web.trim() === '' ? null : safeWeb(line.web);
  if (web) {
    parts.push(
      ...entry(
        t('crisis.web'),
        h('a', { href: web.href, rel: 'noopener noreferrer', target: '_blank' }, web.hostname.replace(/^www\./, ''), h('span', { class: 'visually-hidden' }, ` ${t('crisis.newTab')}`)),
      ),
    );
  } else if (line.web.trim() !== '') {
    parts.push(...entry(t('crisis.web'), h('span', { dir: 'auto' }, line.web)));
  }
  if (line.hours.trim() !== '') parts.push(...entry(t('crisis.hours'), h('span', { dir: 'auto' }, line.hours)));
  return h(
    'li',
    { class: 'crisis__line', 'data-testid': 'crisis-line' },
    h(heading, { class: 'crisis__name', dir: 'auto' }, line.name),
    parts.length > 0 ? h('dl', { class: 'crisis__ways' }, parts) : null,
  );
}

/** The lines in the hub's order; a sentence saying where else to turn when a hub has listed none. */
export function crisisLineList(lines: readonly CrisisLine[], heading: Heading): HTMLElement {
  if (lines.length === 0) return h('p', null, t('crisis.noneListed'));
  return h('ul', { class: 'crisis', role: 'list' }, lines.map((line) => lineItem(line, heading)));
}
