/** Hash routing: #/signin, #/signup, #/groups, #/groups/:id, #/rooms/:id, #/admin. */

import { t } from './i18n';

export type Cleanup = () => void;

export interface ViewContext {
  /** The <main> element; the view owns its children. */
  main: HTMLElement;
  /** Numeric route parameters (e.g. the group id). */
  params: Readonly<Record<string, number>>;
  /** Aborted when the person leaves this route. */
  signal: AbortSignal;
  /** Set the document title (the page part; the app name is added). */
  setTitle: (page: string) => void;
}

export type View = (ctx: ViewContext) => Cleanup | void;

export interface Route {
  name: string;
  pattern: RegExp;
  paramNames: readonly string[];
  view: View;
  /** Reachable without signing in (sign in, sign up). Signed-in people are sent on to the groups. */
  public?: boolean;
}

export function route(name: string, path: string, view: View, isPublic = false): Route {
  const paramNames: string[] = [];
  const source = path
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        paramNames.push(part.slice(1));
        return '(\\d+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { name, pattern: new RegExp(`^${source}/?$`), paramNames, view, public: isPublic };
}

export interface Match {
  route: Route;
  params: Record<string, number>;
}

export function match(routes: readonly Route[], path: string): Match | null {
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, number> = {};
    r.paramNames.forEach((name, i) => {
      params[name] = Number(m[i + 1]);
    });
    return { route: r, params };
  }
  return null;
}

/** The routed path of the current hash ("#/groups/3" → "/groups/3"); null for other hashes. */
export function currentPath(): string | null {
  const hash = window.location.hash;
  if (hash === '' || hash === '#') return '';
  if (!hash.startsWith('#/')) return null;
  return hash.slice(1);
}

export function navigate(path: string): void {
  const target = `#${path}`;
  if (window.location.hash === target) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = target;
  }
}

export function hrefFor(path: string): string {
  return `#${path}`;
}

export function setDocumentTitle(page: string): void {
  document.title = page ? t('app.titleFormat', { page }) : t('app.name');
}
