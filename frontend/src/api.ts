/** REST client for docs/api.md: JSON bodies, cookie session (`alongside_session`). */

import { t, translateError } from './i18n';
import type { Consent } from './api_privacy';
import type {
  DeviceSession,
  Group,
  Hub,
  HubSettings,
  PasswordCheck,
  Session,
  SignInResult,
  TwoFactorEnrolment,
  TwoFactorStatus,
  User,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly serverMessage: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(serverMessage || code);
    this.name = 'ApiError';
  }

  /** The sentence to show a person, from the catalogue. */
  describe(): string {
    if (this.code === 'too_many_attempts' && this.retryAfterSeconds !== null) {
      return t('error.too_many_attempts_wait', { wait: waitInWords(this.retryAfterSeconds) });
    }
    return translateError(this.code, this.serverMessage);
  }
}

/** "about 2 minutes": people read a wait in words, not a count of seconds (same steps as the server's). */
export function waitInWords(seconds: number): string {
  if (seconds <= 10) return t('wait.fewSeconds');
  if (seconds < 50) return t('wait.underAMinute');
  if (seconds < 90) return t('wait.aboutAMinute');
  if (seconds < 50 * 60) return t('wait.minutes', { count: Math.round(seconds / 60) });
  if (seconds < 90 * 60) return t('wait.aboutAnHour');
  return t('wait.hours', { count: Math.round(seconds / 3600) });
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Why the browser session is gone: `expired` (a request or connection was refused as not authenticated)
 * or `signed_out` (the server said this session was signed out, e.g. from another tab).
 */
export type UnauthenticatedReason = 'expired' | 'signed_out';

let onUnauthenticated: ((reason: UnauthenticatedReason) => void) | null = null;

/** Called when a request made while signed in comes back 401 `not_authenticated`. */
export function setUnauthenticatedHandler(handler: (reason: UnauthenticatedReason) => void): void {
  onUnauthenticated = handler;
}

/** Report that the session has ended (e.g. the chat connection was refused as not authenticated). */
export function notifyUnauthenticated(reason: UnauthenticatedReason = 'expired'): void {
  onUnauthenticated?.(reason);
}

export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  opts: { signal?: AbortSignal; quiet401?: boolean } = {},
): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  };
  if (opts.signal) init.signal = opts.signal;
  if (body !== undefined) {
    init.headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (response.status === 204) return undefined as T;
  let data: unknown = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof error?.code === 'string' ? error.code : 'generic';
    const message = typeof error?.message === 'string' ? error.message : '';
    const retryHeader = response.headers.get('Retry-After');
    const retry = retryHeader !== null && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null;
    if (response.status === 401 && code === 'not_authenticated' && !opts.quiet401) onUnauthenticated?.('expired');
    throw new ApiError(response.status, code, message, retry);
  }
  return data as T;
}

export const api = {
  /** Who is signed in, or null: GET /api/auth/session answers 200 either way, so a signed-out page logs no 401. */
  me: async (): Promise<User | null> =>
    (await request<{ user: User | null }>('GET', '/api/auth/session', undefined, { quiet401: true })).user,
  /** Remember the interface language on the account (null: follow the browser). */
  setLanguage: async (language: string | null): Promise<void> => {
    await request<{ language: string | null }>('PUT', '/api/me/language', { language });
  },
  signIn: async (pseudonym: string, password: string): Promise<SignInResult> =>
    await request<SignInResult>('POST', '/api/auth/login', { pseudonym, password }, { quiet401: true }),
  signInCode: async (challenge: string, code: string): Promise<SignInResult> =>
    await request<SignInResult>('POST', '/api/auth/login/two-factor', { challenge, code }, { quiet401: true }),
  changePassword: async (currentPassword: string, newPassword: string): Promise<void> => {
    await request<void>('POST', '/api/auth/password', { current_password: currentPassword, new_password: newPassword });
  },
  devices: async (signal?: AbortSignal): Promise<DeviceSession[]> =>
    (await request<{ sessions: DeviceSession[] }>('GET', '/api/auth/sessions', undefined, signal ? { signal } : {}))
      .sessions,
  signOutDevice: async (id: number): Promise<void> => {
    await request<void>('DELETE', `/api/auth/sessions/${id}`);
  },
  signOutEverywhere: async (): Promise<void> => {
    await request<void>('DELETE', '/api/auth/sessions', undefined, { quiet401: true });
  },
  twoFactor: async (signal?: AbortSignal): Promise<TwoFactorStatus> =>
    await request<TwoFactorStatus>('GET', '/api/auth/two-factor', undefined, signal ? { signal } : {}),
  twoFactorEnrol: async (password: string): Promise<TwoFactorEnrolment> =>
    await request<TwoFactorEnrolment>('POST', '/api/auth/two-factor/enrol', { password }),
  twoFactorConfirm: async (code: string): Promise<TwoFactorStatus> =>
    await request<TwoFactorStatus>('POST', '/api/auth/two-factor/confirm', { code }),
  hubSettings: async (hubId: number, signal?: AbortSignal): Promise<HubSettings> =>
    (await request<{ hub: HubSettings }>('GET', `/api/hubs/${hubId}/settings`, undefined, signal ? { signal } : {}))
      .hub,
  requireTwoFactor: async (hubId: number, required: boolean): Promise<HubSettings> =>
    (await request<{ hub: HubSettings }>('PATCH', `/api/hubs/${hubId}`, { require_two_factor: required })).hub,
  twoFactorDisable: async (code: string): Promise<TwoFactorStatus> =>
    await request<TwoFactorStatus>('POST', '/api/auth/two-factor/disable', { code }),
  signUp: async (pseudonym: string, password: string, email: string | null, consent: Consent): Promise<User> => {
    const body: Record<string, string | number | boolean> = { pseudonym, password, ...consent };
    if (email) body.email = email;
    return (await request<{ user: User }>('POST', '/api/auth/signup', body, { quiet401: true })).user;
  },
  checkPassword: async (
    password: string,
    context: { pseudonym: string; email: string },
    signal?: AbortSignal,
  ): Promise<PasswordCheck> =>
    await request<PasswordCheck>(
      'POST',
      '/api/auth/password-check',
      { password, pseudonym: context.pseudonym.slice(0, 64), email: context.email.slice(0, 254) },
      signal ? { signal, quiet401: true } : { quiet401: true },
    ),
  signOut: async (): Promise<void> => {
    await request<void>('POST', '/api/auth/logout', undefined, { quiet401: true });
  },
  hubs: async (signal?: AbortSignal): Promise<Hub[]> =>
    (await request<{ hubs: Hub[] }>('GET', '/api/hubs', undefined, signal ? { signal } : {})).hubs,
  groups: async (signal?: AbortSignal): Promise<Group[]> =>
    (await request<{ groups: Group[] }>('GET', '/api/groups', undefined, signal ? { signal } : {})).groups,
  group: async (id: number, signal?: AbortSignal): Promise<Group> =>
    (await request<{ group: Group }>('GET', `/api/groups/${id}`, undefined, signal ? { signal } : {})).group,
  joinGroup: async (id: number, agreementVersion: number): Promise<Group> =>
    (
      await request<{ group: Group }>('PUT', `/api/groups/${id}/membership`, {
        agreement_version: agreementVersion,
      })
    ).group,
  createGroup: async (
    hubId: number,
    fields: { name: string; description: string; agreement: string },
  ): Promise<Group> => (await request<{ group: Group }>('POST', `/api/hubs/${hubId}/groups`, fields)).group,
  startSession: async (groupId: number): Promise<Session> =>
    (await request<{ session: Session }>('POST', `/api/groups/${groupId}/sessions`, {})).session,
  endSession: async (sessionId: number): Promise<Session> =>
    (await request<{ session: Session }>('POST', `/api/sessions/${sessionId}/end`, {})).session,
};

/** The sentence to show for any error thrown by `api`. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.describe();
  return t('error.generic');
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}
