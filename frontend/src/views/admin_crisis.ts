/**
 * The crisis lines editor: the hub's ordered list of where to get help now. Lines are edited in place, added,
 * removed and moved up or down, or replaced by the country's defaults; nothing reaches the server until Save,
 * which sends the whole list (PUT).
 */

import { ApiError, describeError } from '../api';
import { adminApi } from '../api_admin';
import { confirmDialog } from '../dialog';
import { announce, h } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t } from '../i18n';
import type { CrisisLine } from '../types_admin';
import { dateText, loadInto, section } from './admin_common';

const MAX_LINES = 12;
type Part = keyof CrisisLine;

function blank(): CrisisLine {
  return { name: '', phone: '', sms: '', web: '', hours: '' };
}

/** What is wrong with the lines, as sentences naming the line, with the first control to fix. */
function problems(lines: CrisisLine[]): { index: number; part: Part; text: string }[] {
  const found: { index: number; part: Part; text: string }[] = [];
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.name.trim() === '') found.push({ index: i, part: 'name', text: t('adm.crisis.needName', { n }) });
    if (line.phone.trim() === '' && line.sms.trim() === '' && line.web.trim() === '') {
      found.push({ index: i, part: 'phone', text: t('adm.crisis.needContact', { n }) });
    }
    if (!/^[0-9 +-]*$/.test(line.phone.trim())) found.push({ index: i, part: 'phone', text: t('adm.crisis.phoneFormat', { n }) });
    if (line.web.trim() !== '' && !/^https:\/\/[^\s/]+\.[^\s]+$/i.test(line.web.trim())) {
      found.push({ index: i, part: 'web', text: t('adm.crisis.needHttps', { n }) });
    }
  });
  return found;
}

export function crisisLinesSection(
  hubId: number,
  country: () => string,
  signal: AbortSignal,
): { el: HTMLElement; refreshCountry: () => void } {
  let lines: CrisisLine[] = [];
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const editor = h('div', { 'data-testid': 'crisis-editor' });
  const list = h('ol', { class: 'crisis-editor' });
  const empty = h('p', { class: 'muted' }, t('adm.crisis.empty'));
  const add = h('button', { type: 'button', class: 'button', 'data-testid': 'crisis-add' }, t('adm.crisis.add'));
  const defaults = h('button', { type: 'button', class: 'button', 'data-testid': 'crisis-defaults' });
  const save = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'crisis-save' }, t('adm.crisis.save'));
  const controls = new Map<string, HTMLInputElement>();

  const refreshDefaultsLabel = (): void => {
    defaults.textContent = t('adm.crisis.defaults', { country: country() || '—' });
  };

  const lineName = (line: CrisisLine): string => line.name.trim() || t('adm.crisis.unnamed');

  const render = (focus?: { index: number; what: 'up' | 'down' | 'remove' | Part }): void => {
    controls.clear();
    list.replaceChildren(...lines.map((line, i) => lineItem(line, i)));
    empty.hidden = lines.length > 0;
    list.hidden = lines.length === 0;
    add.setAttribute('aria-disabled', lines.length >= MAX_LINES ? 'true' : 'false');
    if (focus) {
      const button = (what: string): HTMLButtonElement | null =>
        list.querySelector<HTMLButtonElement>(`[data-line="${focus.index}"][data-action="${what}"]:not([disabled])`);
      const opposite = focus.what === 'up' ? 'down' : 'up';
      const target =
        focus.what === 'up' || focus.what === 'down'
          ? (button(focus.what) ?? button(opposite)) // moved to an end: its other move button
          : focus.what === 'remove'
            ? button('remove')
            : controls.get(`${focus.index}:${focus.what}`);
      (target ?? controls.get(`${focus.index}:name`))?.focus();
    }
  };

  const lineItem = (line: CrisisLine, i: number): HTMLLIElement => {
    const legend = h('legend', { dir: 'auto' }, line.name.trim() ? t('adm.crisis.lineLegend', { n: i + 1, name: line.name }) : t('adm.crisis.lineLegendNew', { n: i + 1 }));
    const input = (part: Part, label: string, hint?: string, type = 'text'): HTMLDivElement => {
      const control = h('input', { type, dir: 'auto', 'data-testid': `crisis-${part}-${i}` });
      control.value = line[part];
      control.addEventListener('input', () => {
        line[part] = control.value;
        if (part === 'name') {
          legend.textContent = line.name.trim()
            ? t('adm.crisis.lineLegend', { n: i + 1, name: line.name })
            : t('adm.crisis.lineLegendNew', { n: i + 1 });
        }
      });
      controls.set(`${i}:${part}`, control);
      return hint ? field({ label, control, hint }) : field({ label, control });
    };
    const button = (what: 'up' | 'down' | 'remove', label: string, named: string, disabled: boolean): HTMLButtonElement => {
      const b = h(
        'button',
        { type: 'button', class: 'button button--quiet', 'data-line': i, 'data-action': what, 'aria-label': named, disabled },
        label,
      );
      b.addEventListener('click', () => {
        done.clear();
        const name = lineName(line);
        if (what === 'remove') {
          lines.splice(i, 1);
          render({ index: Math.min(i, lines.length - 1), what: 'remove' });
          if (lines.length === 0) add.focus();
          announce(t('adm.crisis.removed', { name }));
          return;
        }
        const to = what === 'up' ? i - 1 : i + 1;
        const other = lines[to];
        if (!other) return;
        lines[to] = line;
        lines[i] = other;
        render({ index: to, what });
        announce(t('adm.crisis.moved', { name, n: to + 1 }));
      });
      return b;
    };
    const name = lineName(line);
    return h(
      'li',
      { class: 'crisis-line', 'data-testid': 'crisis-line' },
      h(
        'fieldset',
        { class: 'fieldset' },
        legend,
        input('name', t('adm.crisis.name')),
        input('phone', t('adm.crisis.phone'), t('adm.crisis.phone.hint'), 'tel'),
        input('sms', t('adm.crisis.sms'), t('adm.crisis.sms.hint')),
        input('web', t('adm.crisis.web'), t('adm.crisis.web.hint'), 'url'),
        input('hours', t('adm.crisis.hours'), t('adm.crisis.hours.hint')),
        h(
          'div',
          { class: 'actions' },
          button('up', t('adm.crisis.up'), t('adm.crisis.upNamed', { name }), i === 0),
          button('down', t('adm.crisis.down'), t('adm.crisis.downNamed', { name }), i === lines.length - 1),
          button('remove', t('adm.remove'), t('adm.crisis.removeNamed', { name }), false),
        ),
      ),
    );
  };

  add.addEventListener('click', () => {
    done.clear();
    if (lines.length >= MAX_LINES) {
      alert.show(t('adm.crisis.tooMany'));
      return;
    }
    lines.push(blank());
    render({ index: lines.length - 1, what: 'name' });
  });

  defaults.addEventListener('click', async () => {
    if (isBusy(defaults)) return;
    alert.clear();
    done.clear();
    const code = country();
    if (lines.length > 0) {
      const sure = await confirmDialog(
        {
          title: t('adm.crisis.replaceTitle'),
          body: t('adm.crisis.replaceBody', { country: code }),
          confirmLabel: t('adm.crisis.replace'),
          cancelLabel: t('adm.cancel'),
        },
        signal,
      );
      if (!sure) return;
    }
    const restore = busy(defaults, t('adm.crisis.loadingDefaults'));
    try {
      const found = await adminApi.crisisDefaults(code);
      restore();
      lines = found.lines.map(({ name, phone, sms, web, hours }) => ({ name, phone, sms, web, hours }));
      render();
      done.show(t('adm.crisis.defaultsLoaded', { count: lines.length, country: found.country, date: dateText(found.checked_on) }));
    } catch (err) {
      restore();
      alert.show(err instanceof ApiError && err.status === 404 ? t('adm.crisis.noDefaults', { country: code }) : describeError(err));
    }
  });

  const holder = h('div', null);
  const form = h('form', { class: 'form', novalidate: true }, empty, holder, h('div', { class: 'actions' }, add, defaults), alert.el, h('div', { class: 'actions' }, save), done.el);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(save)) return;
    alert.clear();
    done.clear();
    for (const control of controls.values()) setInvalid(control, false);
    const wrong = problems(lines);
    if (wrong.length > 0) {
      for (const p of wrong) {
        const control = controls.get(`${p.index}:${p.part}`);
        if (control) setInvalid(control, true);
      }
      alert.show(wrong.map((p) => p.text).join(' '));
      const first = wrong[0];
      if (first) controls.get(`${first.index}:${first.part}`)?.focus();
      return;
    }
    const restore = busy(save, t('adm.saving'));
    try {
      const sent = lines.map((l) => ({ name: l.name.trim(), phone: l.phone.trim(), sms: l.sms.trim(), web: l.web.trim(), hours: l.hours.trim() }));
      lines = await adminApi.saveCrisisLines(hubId, sent);
      restore();
      render();
      done.show(t('adm.crisis.saved'));
    } catch (err) {
      restore();
      alert.show(describeError(err));
    }
  });

  refreshDefaultsLabel();
  editor.append(form);
  empty.hidden = true;
  void loadInto(holder, alert, signal, () => adminApi.crisisLines(hubId, signal), (found) => {
    lines = found;
    render();
    return list;
  });
  return {
    el: section('crisis-heading', t('adm.crisis.heading'), h('p', null, t('adm.crisis.intro')), editor),
    refreshCountry: refreshDefaultsLabel,
  };
}
