/**
 * A tag input: type a tag, press Enter or a comma, and it becomes a chip; each chip has its own remove
 * button, so tags can be taken away from the keyboard. Tags are folded to lower case as the server stores
 * them, so repeats are caught here too.
 */

import { announce, h, uid } from '../dom';
import { addDescribedBy, AlertRegion } from '../forms';
import { t } from '../i18n';

export const MAX_TAGS = 8;
const MAX_TAG_CHARS = 40;

export interface TagInput {
  el: HTMLElement;
  input: HTMLInputElement;
  /** The tags, with whatever is still typed in the box added (if it is a valid tag). */
  value: () => string[];
}

function normal(tag: string): string {
  return tag.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

export function tagInput(initial: readonly string[], label: string, testId: string): TagInput {
  const tags: string[] = [...initial];
  const alert = new AlertRegion();
  const inputId = uid('tags');
  const hintId = `${inputId}-hint`;
  const input = h('input', { type: 'text', id: inputId, maxlength: 60, autocomplete: 'off', 'data-testid': testId });
  addDescribedBy(input, hintId);
  const chips = h('ul', { class: 'tag-chips', 'aria-label': t('adm.group.tagsList'), 'data-testid': `${testId}-chips` });

  const render = (): void => {
    chips.replaceChildren(
      ...tags.map((tag, i) => {
        const remove = h(
          'button',
          { type: 'button', class: 'tag-chip__remove', 'aria-label': t('adm.group.tagRemove', { tag }) },
          h('span', { 'aria-hidden': 'true' }, '×'),
        );
        remove.addEventListener('click', () => {
          tags.splice(i, 1);
          render();
          announce(t('adm.group.tagRemoved', { tag }));
          // Keep focus nearby: the next chip's button, else the previous one, else the text box.
          const buttons = chips.querySelectorAll<HTMLButtonElement>('button');
          (buttons[i] ?? buttons[i - 1] ?? input).focus();
        });
        return h('li', { class: 'tag-chip', 'data-testid': 'tag-chip' }, h('span', { dir: 'auto' }, tag), remove);
      }),
    );
    chips.hidden = tags.length === 0;
  };

  /** Add what is typed; false (with the reason shown) when it cannot be added. */
  const commit = (): boolean => {
    const parts = input.value.split(',').map(normal).filter((p) => p !== '');
    input.value = '';
    alert.clear();
    for (const tag of parts) {
      if ([...tag].length > MAX_TAG_CHARS) {
        alert.show(t('adm.group.tagTooLong'));
        input.value = tag;
        return false;
      }
      if (tags.includes(tag)) {
        alert.show(t('adm.group.tagRepeat', { tag }));
        continue;
      }
      if (tags.length >= MAX_TAGS) {
        alert.show(t('adm.group.tagTooMany'));
        return false;
      }
      tags.push(tag);
      announce(t('adm.group.tagAdded', { tag }));
    }
    render();
    return true;
  };

  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ',') {
      if (event.isComposing) return;
      event.preventDefault();
      commit();
    }
  });
  input.addEventListener('input', () => {
    if (input.value.includes(',')) commit();
  });

  render();
  const el = h(
    'div',
    { class: 'field' },
    h('label', { for: inputId }, label),
    h('p', { id: hintId, class: 'hint' }, t('adm.group.tags.hint')),
    chips,
    input,
    alert.el,
  );
  return {
    el,
    input,
    value: () => {
      if (input.value.trim() !== '') commit();
      return [...tags];
    },
  };
}
