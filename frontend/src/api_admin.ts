/** REST calls of hub administration (docs/api.md): hub settings, crisis lines, staff, training, group
 * settings, members, joining, invitations and schedules. Same fetch helper and errors as ./api. */

import { request } from './api';
import type {
  AdminGroup,
  AgreementVersion,
  CrisisLine,
  CrisisLineDefaults,
  GroupMember,
  GroupSettingsChange,
  HubAdminSettings,
  HubRole,
  HubSettingsChange,
  Invitation,
  InvitationCreated,
  JoinRequest,
  Occurrence,
  OccurrenceList,
  Schedule,
  ScheduleCreate,
  StaffMember,
  TrainingRecord,
} from './types_admin';

type Opts = { signal?: AbortSignal };
const opts = (signal?: AbortSignal): Opts => (signal ? { signal } : {});
const get = <T>(path: string, signal?: AbortSignal): Promise<T> => request<T>('GET', path, undefined, opts(signal));

export const adminApi = {
  hub: async (hubId: number, signal?: AbortSignal): Promise<HubAdminSettings> =>
    (await get<{ hub: HubAdminSettings }>(`/api/hubs/${hubId}`, signal)).hub,
  updateHub: async (hubId: number, change: HubSettingsChange): Promise<HubAdminSettings> =>
    (await request<{ hub: HubAdminSettings }>('PATCH', `/api/hubs/${hubId}`, change)).hub,

  crisisLines: async (hubId: number, signal?: AbortSignal): Promise<CrisisLine[]> =>
    (await get<{ lines: CrisisLine[] }>(`/api/hubs/${hubId}/crisis-lines`, signal)).lines,
  saveCrisisLines: async (hubId: number, lines: CrisisLine[]): Promise<CrisisLine[]> =>
    (await request<{ lines: CrisisLine[] }>('PUT', `/api/hubs/${hubId}/crisis-lines`, { lines })).lines,
  crisisDefaults: async (country: string): Promise<CrisisLineDefaults> =>
    await get<CrisisLineDefaults>(`/api/crisis-line-defaults/${encodeURIComponent(country)}`),

  staff: async (hubId: number, signal?: AbortSignal): Promise<StaffMember[]> =>
    (await get<{ staff: StaffMember[] }>(`/api/hubs/${hubId}/staff`, signal)).staff,
  addStaff: async (hubId: number, pseudonym: string, role: HubRole): Promise<StaffMember> =>
    (await request<{ staff: StaffMember }>('POST', `/api/hubs/${hubId}/staff`, { pseudonym, role })).staff,
  removeStaffRole: async (hubId: number, userId: number, role: HubRole): Promise<void> => {
    await request<void>('DELETE', `/api/hubs/${hubId}/staff/${userId}/${role}`);
  },
  training: async (hubId: number, signal?: AbortSignal): Promise<TrainingRecord[]> =>
    (await get<{ training: TrainingRecord[] }>(`/api/hubs/${hubId}/training`, signal)).training,
  addTraining: async (
    hubId: number,
    record: { pseudonym: string; course: string; completed_on: string; expires_on: string },
  ): Promise<TrainingRecord> =>
    (await request<{ training: TrainingRecord }>('POST', `/api/hubs/${hubId}/training`, record)).training,
  deleteTraining: async (hubId: number, recordId: number): Promise<void> => {
    await request<void>('DELETE', `/api/hubs/${hubId}/training/${recordId}`);
  },
  myTraining: async (signal?: AbortSignal): Promise<TrainingRecord[]> =>
    (await get<{ training: TrainingRecord[] }>('/api/me/training', signal)).training,

  /** Every group of the hub, archived ones too (the directory leaves those out). */
  hubGroups: async (hubId: number, signal?: AbortSignal): Promise<AdminGroup[]> =>
    (await get<{ groups: AdminGroup[] }>(`/api/hubs/${hubId}/groups`, signal)).groups,
  group: async (groupId: number, signal?: AbortSignal): Promise<AdminGroup> =>
    (await get<{ group: AdminGroup }>(`/api/groups/${groupId}`, signal)).group,
  updateGroup: async (groupId: number, change: GroupSettingsChange): Promise<AdminGroup> =>
    (await request<{ group: AdminGroup }>('PATCH', `/api/groups/${groupId}`, change)).group,
  agreementVersions: async (groupId: number, signal?: AbortSignal): Promise<AgreementVersion[]> =>
    (await get<{ versions: AgreementVersion[] }>(`/api/groups/${groupId}/agreement/versions`, signal)).versions,

  members: async (groupId: number, signal?: AbortSignal): Promise<GroupMember[]> =>
    (await get<{ members: GroupMember[] }>(`/api/groups/${groupId}/members`, signal)).members,
  removeMember: async (groupId: number, userId: number): Promise<void> => {
    await request<void>('DELETE', `/api/groups/${groupId}/members/${userId}`);
  },
  joinRequests: async (groupId: number, signal?: AbortSignal): Promise<JoinRequest[]> =>
    (await get<{ requests: JoinRequest[] }>(`/api/groups/${groupId}/join-requests`, signal)).requests,
  decideJoinRequest: async (groupId: number, userId: number, approve: boolean): Promise<JoinRequest> =>
    (
      await request<{ request: JoinRequest }>(
        'POST',
        `/api/groups/${groupId}/join-requests/${userId}/${approve ? 'approve' : 'decline'}`,
        {},
      )
    ).request,

  invitations: async (groupId: number, signal?: AbortSignal): Promise<Invitation[]> =>
    (await get<{ invitations: Invitation[] }>(`/api/groups/${groupId}/invitations`, signal)).invitations,
  createInvitation: async (groupId: number, expiresAt: string | null): Promise<InvitationCreated> =>
    await request<InvitationCreated>('POST', `/api/groups/${groupId}/invitations`, expiresAt ? { expires_at: expiresAt } : {}),
  revokeInvitation: async (groupId: number, invitationId: number): Promise<void> => {
    await request<void>('DELETE', `/api/groups/${groupId}/invitations/${invitationId}`);
  },

  schedules: async (groupId: number, signal?: AbortSignal): Promise<Schedule[]> =>
    (await get<{ schedules: Schedule[] }>(`/api/groups/${groupId}/schedules`, signal)).schedules,
  createSchedule: async (groupId: number, body: ScheduleCreate): Promise<Schedule> =>
    (await request<{ schedule: Schedule }>('POST', `/api/groups/${groupId}/schedules`, body)).schedule,
  deleteSchedule: async (groupId: number, scheduleId: number): Promise<void> => {
    await request<void>('DELETE', `/api/groups/${groupId}/schedules/${scheduleId}`);
  },
  occurrences: async (groupId: number, signal?: AbortSignal): Promise<OccurrenceList> =>
    await get<OccurrenceList>(`/api/groups/${groupId}/occurrences`, signal),
  changeOccurrence: async (
    groupId: number,
    scheduleId: number,
    date: string,
    action: 'cancel' | 'move' | 'restore',
    startsAt?: string,
  ): Promise<Occurrence> => {
    const base = `/api/groups/${groupId}/schedules/${scheduleId}/occurrences/${date}`;
    const answer =
      action === 'restore'
        ? await request<{ occurrence: Occurrence }>('DELETE', base)
        : await request<{ occurrence: Occurrence }>('POST', `${base}/${action}`, action === 'move' ? { starts_at: startsAt } : {});
    return answer.occurrence;
  },
};
