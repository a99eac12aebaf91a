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
  }

  clear(): void {
    this.el.textContent = '';
  }
}

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
