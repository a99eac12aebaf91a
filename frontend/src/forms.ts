/** Small helpers for accessible forms: label-for wiring, hints, an alert region for errors. */

import { h, setAttr, uid } from './dom';

export interface FieldOptions {
  label: string;
  control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
  hint?: string;
}

/** A labelled field. The control gets an id (if it has none) and is described by its hint. */
export function field({ label, control, hint }: FieldOptions): HTMLDivElement {
  if (!control.id) control.id = uid('field');
  const parts: Node[] = [h('label', { for: control.id }, label)];
  if (hint) {
    const hintId = `${control.id}-hint`;
    parts.push(h('p', { id: hintId, class: 'hint' }, hint));
    addDescribedBy(control, hintId);
  }
  parts.push(control);
  return h('div', { class: 'field' }, parts);
}

export function addDescribedBy(el: Element, id: string): void {
  const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
  if (!ids.includes(id)) ids.push(id);
  el.setAttribute('aria-describedby', ids.join(' '));
}

/** An always-present alert region; setting its text makes screen readers announce it at once. */
export class AlertRegion {
  readonly el: HTMLDivElement;

  constructor(extraClass = '') {
    // Always in the document (an empty one takes no space), so that filling it is announced.
    this.el = h('div', { role: 'alert', class: `alert ${extraClass}`.trim() });
  }

  show(text: string): void {
    this.el.textContent = text;
    // An alert that sums up invalid fields goes once they are all fixed (see clearFixedFields below).
    const form = this.el.closest('form');
    if (form?.querySelector('[aria-invalid="true"]')) this.el.dataset.aboutFields = 'true';
    else delete this.el.dataset.aboutFields;
  }

  clear(): void {
    this.el.textContent = '';
    delete this.el.dataset.aboutFields;
  }
}

/**
 * Errors clear when they stop being true, in every form: editing a field marked invalid unmarks it, and when
 * no field of its form is left marked, the form's alert that listed them empties. One listener for the page,
 * so no form can forget it.
 */
function clearFixedFields(event: Event): void {
  const target = event.target;
  if (!(target instanceof HTMLElement) || target.getAttribute('aria-invalid') !== 'true') return;
  target.removeAttribute('aria-invalid');
  const form = target.closest('form');
  if (!form || form.querySelector('[aria-invalid="true"]')) return;
  for (const alert of form.querySelectorAll<HTMLElement>('[role="alert"][data-about-fields="true"]')) {
    alert.textContent = '';
    delete alert.dataset.aboutFields;
  }
}
document.addEventListener('input', clearFixedFields, true);
document.addEventListener('change', clearFixedFields, true);

/** A polite status region for success notes. */
export class StatusRegion {
  readonly el: HTMLDivElement;

  constructor(extraClass = '') {
    this.el = h('div', { role: 'status', class: `notice ${extraClass}`.trim() });
  }

  show(...content: (Node | string)[]): void {
    this.el.replaceChildren(...content.map((c) => (typeof c === 'string' ? document.createTextNode(c) : c)));
  }

  clear(): void {
    this.el.replaceChildren();
  }
}

/** Mark a control invalid (or valid again). */
export function setInvalid(control: HTMLElement, invalid: boolean): void {
  setAttr(control, 'aria-invalid', invalid ? 'true' : null);
}

/**
 * Put a button into a busy state with a different label; returns a function that restores it. The button
 * stays focusable (aria-disabled, not disabled) so keyboard focus is not lost while a request runs; callers
 * check `isBusy` to ignore repeated presses.
 */
export function busy(button: HTMLButtonElement, label: string): () => void {
  const original = button.textContent ?? '';
  button.setAttribute('aria-disabled', 'true');
  button.dataset.busy = 'true';
  button.textContent = label;
  return () => {
    button.removeAttribute('aria-disabled');
    delete button.dataset.busy;
    button.textContent = original;
  };
}

export function isBusy(button: HTMLButtonElement): boolean {
  return button.dataset.busy === 'true';
}
