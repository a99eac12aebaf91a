/** REST calls of the member-facing pages (docs/api.md): the public front door and crisis lines, the
 * filtered directory, joining by request or invitation and leaving; members' own tools (blocks, muted words,
 * reports). Same fetch helper and errors as ./api. */

import { request } from './api';
import type { BlockedPerson, MyReport, StaffReport } from './room/mod_types';
import type { DirectoryFilter, GroupDetails, InvitedGroup, JoinOutcome, PublicGroup, PublicHub } from './types_member';

type Opts = { signal?: AbortSignal };
const opts = (signal?: AbortSignal): Opts => (signal ? { signal } : {});

function filterQuery(filter: DirectoryFilter): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) {
    if (value !== undefined && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

export const memberApi = {
  publicHubs: async (signal?: AbortSignal): Promise<PublicHub[]> =>
    (await request<{ hubs: PublicHub[] }>('GET', '/api/public/hubs', undefined, { ...opts(signal), quiet401: true }))
      .hubs,
  publicGroups: async (signal?: AbortSignal): Promise<PublicGroup[]> =>
    (
      await request<{ groups: PublicGroup[] }>('GET', '/api/public/groups', undefined, {
        ...opts(signal),
        quiet401: true,
      })
    ).groups,
  groups: async (filter: DirectoryFilter, signal?: AbortSignal): Promise<GroupDetails[]> =>
    (await request<{ groups: GroupDetails[] }>('GET', `/api/groups${filterQuery(filter)}`, undefined, opts(signal)))
      .groups,
  group: async (id: number, signal?: AbortSignal): Promise<GroupDetails> =>
    (await request<{ group: GroupDetails }>('GET', `/api/groups/${id}`, undefined, opts(signal))).group,
  /** Join an open group, renew a membership, or ask to join a group joined by request (202). */
  join: async (id: number, agreementVersion: number): Promise<JoinOutcome> =>
    await request<JoinOutcome>('PUT', `/api/groups/${id}/membership`, { agreement_version: agreementVersion }),
  leave: async (id: number): Promise<void> => {
    await request<void>('DELETE', `/api/groups/${id}/membership`);
  },
  invitation: async (token: string, signal?: AbortSignal): Promise<InvitedGroup> =>
    (
      await request<{ group: InvitedGroup }>(
        'GET',
        `/api/invitations/${encodeURIComponent(token)}`,
        undefined,
        opts(signal),
      )
    ).group,
  acceptInvitation: async (token: string, agreementVersion: number): Promise<GroupDetails> =>
    (
      await request<{ group: GroupDetails }>('POST', `/api/invitations/${encodeURIComponent(token)}/accept`, {
        agreement_version: agreementVersion,
      })
    ).group,
  /** Where a calendar app can read the group's meetings (public for listed groups). */
  calendarUrl: (id: number): string => `/api/groups/${id}/calendar.ics`,
};

/** Members' own tools and the reports queue (docs/api.md "Members' tools: reports, blocks, muted words"). */
export const memberToolsApi = {
  blocks: async (signal?: AbortSignal): Promise<BlockedPerson[]> =>
    (await request<{ blocked: BlockedPerson[] }>('GET', '/api/me/blocks', undefined, opts(signal))).blocked,
  block: async (userId: number): Promise<BlockedPerson> =>
    (await request<{ blocked: BlockedPerson }>('POST', '/api/me/blocks', { user_id: userId })).blocked,
  unblock: async (userId: number): Promise<void> => {
    await request<void>('DELETE', `/api/me/blocks/${userId}`);
  },
  mutedWords: async (signal?: AbortSignal): Promise<string[]> =>
    (await request<{ words: string[] }>('GET', '/api/me/muted-words', undefined, opts(signal))).words,
  /** Replaces the whole list; the server keeps each word NFKC-normalised and case-folded. */
  setMutedWords: async (words: string[]): Promise<string[]> =>
    (await request<{ words: string[] }>('PUT', '/api/me/muted-words', { words })).words,
  myReports: async (signal?: AbortSignal): Promise<MyReport[]> =>
    (await request<{ reports: MyReport[] }>('GET', '/api/me/reports', undefined, opts(signal))).reports,
  hubReports: async (hubId: number, signal?: AbortSignal): Promise<StaffReport[]> =>
    (await request<{ reports: StaffReport[] }>('GET', `/api/hubs/${hubId}/reports?status=open`, undefined, opts(signal)))
      .reports,
  resolveReport: async (id: number, outcome: string, unhide: boolean): Promise<StaffReport> =>
    (await request<{ report: StaffReport }>('POST', `/api/reports/${id}/resolve`, { outcome, unhide })).report,
};
