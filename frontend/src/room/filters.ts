/**
 * The viewer's own filters (docs/protocol.md "Members' tools"): muted words compared the way the server
 * stores them (NFKC, then case-folded), and whether a message's author is blocked. Only this viewer's view
 * changes; nobody else is affected or told.
 */

import type { ModMessage } from './mod_types';

/**
 * Fold text as the server folds muted words: NFKC, then case-folded. JavaScript has no casefold; lower-casing
 * and folding the few letters whose case-fold differs (ß, ς, ſ) comes close enough for a viewer's own filter.
 */
export function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/ς/g, 'σ')
    .replace(/ſ/g, 's')
    .normalize('NFKC')
    .trim();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The first muted word found in `body` as a whole word (not inside another word: muting "ass" leaves
 * "assistant" alone), or null. Words in scripts written without spaces match anywhere.
 */
export function mutedWordIn(body: string, words: readonly string[]): string | null {
  if (words.length === 0 || body === '') return null;
  const folded = fold(body);
  for (const word of words) {
    const w = fold(word);
    if (w === '') continue;
    const spaced = /[\p{L}\p{N}]/u.test(w) && !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u.test(w);
    if (!spaced) {
      if (folded.includes(w)) return word;
      continue;
    }
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}\\p{M}])${escapeRegExp(w)}(?![\\p{L}\\p{N}\\p{M}])`, 'u');
    if (pattern.test(folded)) return word;
  }
  return null;
}

/**
 * The people this viewer has blocked, from room:join's `blocked_user_ids` and the snapshot's
 * `blocked_author` flags (live `message:new` events carry no flag: the client hides those itself).
 */
export function blockedFromJoin(ids: readonly number[] | undefined, messages: readonly ModMessage[]): Set<number> {
  const blocked = new Set(ids ?? []);
  for (const m of messages) if (m.blocked_author === true) blocked.add(m.author.id);
  return blocked;
}
