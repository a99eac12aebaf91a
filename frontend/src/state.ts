/** Who is signed in, shared by the header, the router and the views. */

import type { User } from './types';

type Listener = (user: User | null) => void;

let currentUser: User | null = null;
const listeners = new Set<Listener>();

export function getUser(): User | null {
  return currentUser;
}

export function setUser(user: User | null): void {
  currentUser = user;
  for (const listener of listeners) listener(user);
}

export function onUserChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Hub ids the user administers (all hubs when `null`: a platform admin). */
export function adminHubIds(user: User): Set<number> | null {
  if (user.is_platform_admin) return null;
  return new Set(user.staff.filter((s) => s.role === 'hub_admin').map((s) => s.hub_id));
}

export function canAdminister(user: User | null): boolean {
  if (!user) return false;
  return user.is_platform_admin || user.staff.some((s) => s.role === 'hub_admin');
}

/** The hubs this person leads safeguarding for (every hub for a platform admin: null). */
export function leadHubIds(user: User | null): Set<number> | null | undefined {
  if (!user) return undefined;
  if (user.is_platform_admin) return null;
  const ids = new Set(user.staff.filter((s) => (s.role as string) === 'safeguarding_lead').map((s) => s.hub_id));
  return ids.size > 0 ? ids : undefined;
}

export function canLeadSafeguarding(user: User | null): boolean {
  return leadHubIds(user) !== undefined;
}

const SUPERVISING = new Set(['senior_peer', 'hub_admin']);

/** Whether the person reads debriefs somewhere: a senior peer or hub admin of a hub, or a platform admin. */
export function canSupervise(user: User | null): boolean {
  if (!user) return false;
  return user.is_platform_admin || user.staff.some((s) => SUPERVISING.has(s.role));
}

/** Whether `role` in a hub lets the person read its debriefs (canSupervise, for one hub). */
export function isSupervisingRole(role: string): boolean {
  return SUPERVISING.has(role);
}

/** A one-off notice for the next page (e.g. "your session has ended" on the sign-in page). */
let flash: string | null = null;
export function setFlash(text: string | null): void {
  flash = text;
}
export function takeFlash(): string | null {
  const text = flash;
  flash = null;
  return text;
}

/** Where to go after signing in (the page someone was trying to reach). */
let returnPath: string | null = null;
export function setReturnPath(path: string | null): void {
  returnPath = path;
}
export function takeReturnPath(): string | null {
  const path = returnPath;
  returnPath = null;
  return path;
}
