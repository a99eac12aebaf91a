/**
 * A tiny element helper. Children that are strings become text nodes, so user-supplied text is never
 * parsed as HTML. There is deliberately no way to set raw HTML through this module.
 */

export type Child = Node | string | number | null | undefined | false | readonly Child[];

export type AttrValue = string | number | boolean | null | undefined;

export interface Attrs {
  [name: string]: AttrValue | ((event: Event) => void);
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (typeof value === 'function') {
        if (!name.startsWith('on')) throw new Error(`h(): only on* attributes may be functions (${name})`);
        el.addEventListener(name.slice(2).toLowerCase(), value);
      } else {
        setAttr(el, name, value);
      }
    }
  }
  append(el, ...children);
  return el;
}

/** Set (or, for false/null/undefined, remove) an attribute. `true` sets an empty boolean attribute. */
export function setAttr(el: Element, name: string, value: AttrValue): void {
  if (value === false || value === null || value === undefined) el.removeAttribute(name);
  else if (value === true) el.setAttribute(name, '');
  else el.setAttribute(name, String(value));
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, ...(child as readonly Child[]));
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replace all children of `parent` with `children` (text children as text nodes). */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Set an element's text, as text. */
export function setText(el: Element, text: string): void {
  el.textContent = text;
}

let idCounter = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/**
 * Announce a short message politely to screen readers through the page-level status region, without
 * moving focus.
 */
export function announce(text: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // A fresh text node on the next frame makes repeated identical messages announce again.
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}
