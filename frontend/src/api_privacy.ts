/** REST calls of privacy and data rights (docs/privacy.md): a hub's privacy notice and terms (read at sign-up,
 * edited by its admins with the hub's retention periods), and deleting your account. "Download my data" is a plain link to /api/me/export (the server sends it as a download). */

import { request } from './api';

export interface Notices {
  hub_id: number | null;
  hub_name: string;
  privacy_notice: string;
  terms: string;
  version: number;
  minimum_age: number;
  customised: boolean;
  /** Days safeguarding records are kept. */
  safeguarding_retention_days: number;
  /** Days the moderation log is kept. */
  log_retention_days: number;
}

/** PUT /api/hubs/{hub_id}/notices: only the fields sent change (an empty text restores Alongside's default). */
export interface NoticesChange {
  privacy_notice?: string;
  terms?: string;
  minimum_age?: number;
  safeguarding_retention_days?: number;
  log_retention_days?: number;
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
  hubNotices: async (hubId: number, signal?: AbortSignal): Promise<Notices> =>
    await request<Notices>('GET', `/api/hubs/${hubId}/notices`, undefined, signal ? { signal } : {}),
  updateNotices: async (hubId: number, change: NoticesChange): Promise<Notices> =>
    await request<Notices>('PUT', `/api/hubs/${hubId}/notices`, change),
  deleteAccount: async (password: string): Promise<Erasure> =>
    await request<Erasure>('DELETE', '/api/me', { password }),
};
