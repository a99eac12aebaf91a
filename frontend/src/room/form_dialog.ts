/**
 * A modal form on <dialog> for the room's moderation and reporting (a reason, a length of time, a category
 * and a note). Focus stays inside; Escape cancels; focus goes back to what opened it. Required fields are
 * checked here with a message in the dialog's own alert region, before anything is sent.
 */

import { h, uid } from '../dom';
import { AlertRegion, field } from '../forms';

export type FormField =
  | { kind: 'text'; name: string; label: string; hint?: string; required?: boolean; maxLength: number; value?: string }
  | { kind: 'textarea'; name: string; label: string; hint?: string; required?: boolean; maxLength: number }
  | { kind: 'number'; name: string; label: string; hint?: string; min: number; max: number; value: number }
  | { kind: 'select'; name: string; label: string; options: readonly { value: string; label: string }[] }
  | { kind: 'checkbox'; name: string; label: string; checked?: boolean };

export interface FormDialogOptions {
  title: string;
  intro?: string;
  fields: readonly FormField[];
  confirmLabel: string;
  cancelLabel: string;
  /** The sentence shown when a required field is empty or a number is out of range. */
  invalidText: string;
  danger?: boolean;
  testId?: string;
}

export type FormValues = Record<string, string | boolean>;

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

function control(spec: FormField): Control {
  const name = spec.name;
  const testId = `dialog-${name}`;
  switch (spec.kind) {
    case 'text':
      return h('input', { type: 'text', name, maxlength: spec.maxLength, value: spec.value ?? '', required: spec.required === true, autocomplete: 'off', dir: 'auto', 'data-testid': testId });
    case 'textarea':
      return h('textarea', { name, rows: 3, maxlength: spec.maxLength, required: spec.required === true, dir: 'auto', 'data-testid': testId });
    case 'number':
      return h('input', { type: 'number', name, min: spec.min, max: spec.max, step: 1, value: spec.value, inputmode: 'numeric', 'data-testid': testId });
    case 'select':
      return h('select', { name, 'data-testid': testId }, spec.options.map((o) => h('option', { value: o.value }, o.label)));
    case 'checkbox':
      return h('input', { type: 'checkbox', name, checked: spec.checked === true, 'data-testid': testId });
  }
}

/** Ask for the fields' values; resolves null when cancelled. */
export function formDialog(opts: FormDialogOptions, signal?: AbortSignal): Promise<FormValues | null> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = uid('dialog-title');
  const alert = new AlertRegion();
  const controls = new Map<string, { spec: FormField; el: Control }>();
  const rows = opts.fields.map((spec) => {
    const el = control(spec);
    controls.set(spec.name, { spec, el });
    if (spec.kind === 'checkbox') return h('p', { class: 'field field--check' }, h('label', null, el, ' ', spec.label));
    return field({ label: spec.label, control: el, ...('hint' in spec && spec.hint ? { hint: spec.hint } : {}) });
  });
  const cancel = h('button', { type: 'button', class: 'button', 'data-testid': 'dialog-cancel' }, opts.cancelLabel);
  const ok = h(
    'button',
    { type: 'submit', class: `button ${opts.danger ? 'button--danger' : 'button--primary'}`, 'data-testid': 'dialog-ok' },
    opts.confirmLabel,
  );
  const form = h(
    'form',
    { method: 'dialog', novalidate: true },
    opts.intro ? h('p', null, opts.intro) : null,
    rows,
    alert.el,
    h('div', { class: 'actions' }, cancel, ok),
  );
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': titleId, 'data-testid': opts.testId ?? 'form-dialog' },
    h('h2', { id: titleId }, opts.title),
    form,
  );
  document.body.appendChild(dialog);

  function read(): FormValues | null {
    const values: FormValues = {};
    for (const [name, { spec, el }] of controls) {
      el.removeAttribute('aria-invalid');
      if (spec.kind === 'checkbox') {
        values[name] = (el as HTMLInputElement).checked;
        continue;
      }
      const value = el.value;
      let bad = false;
      if ((spec.kind === 'text' || spec.kind === 'textarea') && spec.required && value.trim() === '') bad = true;
      if (spec.kind === 'number') {
        const n = Number(value);
        bad = !Number.isInteger(n) || n < spec.min || n > spec.max;
      }
      if (bad) {
        el.setAttribute('aria-invalid', 'true');
        alert.show(opts.invalidText);
        el.focus();
        return null;
      }
      values[name] = spec.kind === 'text' || spec.kind === 'textarea' ? value.trim() : value;
    }
    return values;
  }

  return new Promise<FormValues | null>((resolve) => {
    let settled = false;
    const finish = (value: FormValues | null): void => {
      if (settled) return;
      settled = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(value);
    };
    cancel.addEventListener('click', () => finish(null));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const values = read();
      if (values) finish(values);
    });
    dialog.addEventListener('close', () => finish(null));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(null);
    });
    signal?.addEventListener('abort', () => finish(null), { once: true });
    dialog.showModal();
    const first = controls.values().next().value;
    (first?.el ?? cancel).focus();
  });
}
