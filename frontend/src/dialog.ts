/** A modal confirmation built on <dialog> (focus is kept inside it, Escape cancels). */

import { h, uid } from './dom';

export interface ConfirmOptions {
  title: string;
  body: string;
  confirmLabel: string;
  cancelLabel: string;
  /** Style the confirm button as a serious action. */
  danger?: boolean;
}

/** Ask a yes/no question. Resolves true when confirmed. Focus returns to whatever had it before. */
export function confirmDialog(opts: ConfirmOptions, signal?: AbortSignal): Promise<boolean> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = uid('dialog-title');
  const bodyId = uid('dialog-body');
  const cancel = h('button', { type: 'button', class: 'button', 'data-testid': 'confirm-cancel' }, opts.cancelLabel);
  const ok = h(
    'button',
    { type: 'button', class: `button ${opts.danger ? 'button--danger' : 'button--primary'}`, 'data-testid': 'confirm-ok' },
    opts.confirmLabel,
  );
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': bodyId },
    h('h2', { id: titleId }, opts.title),
    h('p', { id: bodyId }, opts.body),
    h('div', { class: 'actions' }, cancel, ok),
  );
  document.body.appendChild(dialog);

  return new Promise<boolean>((resolve) => {
    let settled = false;
    const finish = (value: boolean): void => {
      if (settled) return;
      settled = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(value);
    };
    cancel.addEventListener('click', () => finish(false));
    ok.addEventListener('click', () => finish(true));
    dialog.addEventListener('close', () => finish(false));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(false);
    });
    signal?.addEventListener('abort', () => finish(false), { once: true });
    dialog.showModal();
    // The safe choice has focus first.
    cancel.focus();
  });
}
