/** REST calls of privacy and data rights (docs/privacy.md): a hub's privacy notice and terms, and deleting
 * your account. "Download my data" is a plain link to /api/me/export (the server sends it as a download). */

import { request } from './api';

export interface Notices {
  hub_id: number | null;
  hub_name: string;
  privacy_notice: string;
  terms: string;
  version: number;
  minimum_age: number;
  customised: boolean;
}

export interface Erasure {
  erased: boolean;
  messages_removed: number;
  kept_in_safeguarding_records: number;
  explanation: string;
}

/** What sign-up sends about the notices: accepted, the age confirmed, and which version was read. */
export interface Consent {
  accept_notices: boolean;
  confirm_minimum_age: boolean;
  hub_id?: number;
  notice_version?: number;
}

export const EXPORT_PATH = '/api/me/export';

export const privacyApi = {
  notices: async (signal?: AbortSignal): Promise<Notices> =>
    await request<Notices>('GET', '/api/notices', undefined, { ...(signal ? { signal } : {}), quiet401: true }),
  deleteAccount: async (password: string): Promise<Erasure> =>
    await request<Erasure>('DELETE', '/api/me', { password }),
};
