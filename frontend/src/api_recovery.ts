/** REST calls of account recovery (docs/api.md "Account recovery"): a hub admin's reset link, the reset page's
 * check and new password, and "Forgot your password?". Same fetch helper and errors as ./api. */

import { request } from './api';

export interface StaffResetLink {
  user_id: number;
  pseudonym: string;
  /** The one-time link: shown once, never kept by the server. */
  link: string;
  expires_at: string;
}

export interface ResetLinkView {
  pseudonym: string;
  expires_at: string;
}

export const recoveryApi = {
  issueLink: async (hubId: number, userId: number): Promise<StaffResetLink> =>
    await request<StaffResetLink>('POST', `/api/hubs/${hubId}/members/${userId}/password-reset`),
  checkLink: async (token: string, signal?: AbortSignal): Promise<ResetLinkView> =>
    await request<ResetLinkView>('GET', `/api/password-reset/${encodeURIComponent(token)}`, undefined, {
      quiet401: true,
      ...(signal ? { signal } : {}),
    }),
  useLink: async (token: string, password: string): Promise<void> => {
    await request<void>('POST', `/api/password-reset/${encodeURIComponent(token)}`, { password }, { quiet401: true });
  },
  forgot: async (pseudonym: string): Promise<void> => {
    await request<unknown>('POST', '/api/auth/forgot', { pseudonym }, { quiet401: true });
  },
};
