/**
 * Hash routing: #/, #/help, #/signin, #/signup, #/forgot, #/reset/*token, #/groups, #/groups/:id, #/rooms/:id,
 * #/invite/*token, #/admin.
 * A route may carry a query after its path (#/groups?tag=carers), which views read from `query`, so that a
 * filtered list can be shared and survives a reload.
 */

import { t } from './i18n';

export type Cleanup = () => void;

export interface ViewContext {
  /** The <main> element; the view owns its children. */
  main: HTMLElement;
  /** Numeric route parameters (e.g. the group id). */
  params: Readonly<Record<string, number>>;
  /** Text route parameters, written `*name` in the route (e.g. an invitation token). */
  text: Readonly<Record<string, string>>;
  /** The query after the routed path (#/groups?tag=carers → tag=carers). */
  query: URLSearchParams;
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
  /** Which of paramNames are text (`*name`) rather than numbers (`:name`). */
  textNames?: readonly string[];
  view: View;
  /** Reachable without signing in (sign in, sign up). Signed-in people are sent on to the groups. */
  public?: boolean;
  /** Reachable by everyone, signed in or not (the crisis lines). */
  anyone?: boolean;
}

/**
 * A route. `isPublic`: true for pages only signed-out people see (signing in), 'anyone' for pages everyone
 * may see (getting help now), false for pages that need signing in.
 */
export function route(name: string, path: string, view: View, isPublic: boolean | 'anyone' = false): Route {
  const paramNames: string[] = [];
  const textNames: string[] = [];
  const source = path
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        paramNames.push(part.slice(1));
        return '(\\d+)';
      }
      if (part.startsWith('*')) {
        paramNames.push(part.slice(1));
        textNames.push(part.slice(1));
        return '([A-Za-z0-9_-]{1,128})';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return {
    name,
    pattern: new RegExp(`^${source}/?$`),
    paramNames,
    textNames,
    view,
    public: isPublic === true,
    anyone: isPublic === 'anyone',
  };
}

export interface Match {
  route: Route;
  params: Record<string, number>;
  text: Record<string, string>;
}

export function match(routes: readonly Route[], path: string): Match | null {
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, number> = {};
    const text: Record<string, string> = {};
    r.paramNames.forEach((name, i) => {
      const value = m[i + 1] ?? '';
      if (r.textNames?.includes(name)) text[name] = value;
      else params[name] = Number(value);
    });
    return { route: r, params, text };
  }
  return null;
}

/** A routed path split into its path and its query ("/groups?tag=x" → "/groups", tag=x). */
export function splitPath(full: string): { path: string; query: URLSearchParams } {
  const at = full.indexOf('?');
  if (at < 0) return { path: full, query: new URLSearchParams() };
  return { path: full.slice(0, at), query: new URLSearchParams(full.slice(at + 1)) };
}

/** A path with a query (empty values left out): withQuery('/groups', { tag: 'x' }) → "/groups?tag=x". */
export function withQuery(path: string, values: Readonly<Record<string, string | null | undefined>>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) query.set(name, value);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Whether `path` may be gone to after signing in: only this app's own signed-in pages, never the sign-in
 * pages themselves nor another site (a `next` from the address bar is not trusted).
 */
export function isReturnPath(path: string | null | undefined): path is string {
  return typeof path === 'string' && /^\/(groups|rooms|admin|account|invite|debrief|supervision|space|help|safeguarding)(\/[A-Za-z0-9_\/-]*)?(\?[^#]*)?$/.test(path);
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
