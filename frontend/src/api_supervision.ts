/** REST calls of supervision after a session (docs/api.md): a facilitator's debrief, the debriefs waiting for
 * them, the hub's debriefs for senior peers and admins, and attendance counts. Same fetch helper as ./api. */

import { request } from './api';

/** The session a debrief is about: when and where, never who came or what was said. */
export interface DebriefSession {
  id: number;
  group_id: number;
  group_name: string;
  opened_at: string | null;
  ended_at: string | null;
  end_reason: string | null;
}

export interface DebriefPerson {
  id: number;
  pseudonym: string;
}

export interface Debrief {
  id: number;
  session: DebriefSession;
  author: DebriefPerson;
  how_it_went: string;
  follow_up: string;
  wellbeing: string;
  created_at: string;
  discussed_at: string | null;
  discussed_by: DebriefPerson | null;
}

export interface DebriefFields {
  how_it_went: string;
  follow_up: string;
  wellbeing: string;
}

export type DebriefStatus = 'open' | 'discussed' | 'all';

export interface SessionAttendance {
  session_id: number;
  group_id: number;
  group_name: string;
  opened_at: string;
  ended_at: string | null;
  members: number;
  facilitators: number;
  newcomers: number;
}

export interface WeeklyAttendance {
  group_id: number;
  group_name: string;
  week_of: string;
  sessions: number;
  members: number;
  newcomers: number;
}

export interface AttendanceReport {
  hub_id: number;
  time_zone: string;
  from: string;
  to: string;
  sessions: SessionAttendance[];
  weekly: WeeklyAttendance[];
}

type Opts = { signal?: AbortSignal };
const opts = (signal?: AbortSignal): Opts => (signal ? { signal } : {});
const get = <T>(path: string, signal?: AbortSignal): Promise<T> => request<T>('GET', path, undefined, opts(signal));

export const supervisionApi = {
  myDebrief: async (sessionId: number, signal?: AbortSignal): Promise<Debrief> =>
    (await get<{ debrief: Debrief }>(`/api/sessions/${sessionId}/debrief`, signal)).debrief,
  saveDebrief: async (sessionId: number, fields: DebriefFields): Promise<Debrief> =>
    (await request<{ debrief: Debrief }>('POST', `/api/sessions/${sessionId}/debrief`, fields)).debrief,
  pending: async (signal?: AbortSignal): Promise<DebriefSession[]> =>
    (await get<{ pending: { session: DebriefSession }[] }>('/api/me/debriefs/pending', signal)).pending.map((p) => p.session),
  hubDebriefs: async (hubId: number, status: DebriefStatus, signal?: AbortSignal): Promise<Debrief[]> =>
    (await get<{ debriefs: Debrief[] }>(`/api/hubs/${hubId}/debriefs?status=${status}`, signal)).debriefs,
  markDiscussed: async (debriefId: number): Promise<Debrief> =>
    (await request<{ debrief: Debrief }>('POST', `/api/debriefs/${debriefId}/discussed`, {})).debrief,
  attendance: async (hubId: number, from: string, to: string, signal?: AbortSignal): Promise<AttendanceReport> =>
    await get<AttendanceReport>(
      `/api/hubs/${hubId}/attendance?${new URLSearchParams({ from, to }).toString()}`,
      signal,
    ),
};
