/** Shapes of the hub administration API (server/api_models_hubs.py, _groups.py, _schedules.py). */

import type { Group, Hub, HubSettings } from './types';

/** The four staff roles a hub can give (server/api_models.py StaffRole). */
export type HubRole = 'facilitator' | 'senior_peer' | 'safeguarding_lead' | 'hub_admin';
export const HUB_ROLES: readonly HubRole[] = ['facilitator', 'senior_peer', 'safeguarding_lead', 'hub_admin'];

/** GET /api/hubs/{id}: everything its admins may change. */
export interface HubAdminSettings extends HubSettings {
  time_zone: string;
  about: string;
  country: string;
  pause_grace_minutes: number;
}

export interface HubSettingsChange {
  name?: string;
  locality?: string;
  about?: string;
  time_zone?: string;
  country?: string;
  pause_grace_minutes?: number;
}

export interface CrisisLine {
  name: string;
  phone: string;
  sms: string;
  web: string;
  hours: string;
}

export interface CrisisLineDefaults {
  country: string;
  checked_on: string;
  lines: (CrisisLine & { source: string })[];
}

export type TrainingStatus = 'current' | 'expiring_soon' | 'expired';

export interface TrainingRecord {
  id: number;
  hub_id: number;
  hub_name: string;
  user_id: number;
  pseudonym: string;
  course: string;
  completed_on: string;
  expires_on: string;
  status: TrainingStatus;
  /** 0 on its last day, negative once expired. */
  days_left: number;
}

export interface StaffMember {
  user_id: number;
  pseudonym: string;
  roles: HubRole[];
  training: { status: TrainingStatus | 'none'; current: TrainingRecord | null } | null;
}

export type Visibility = 'listed' | 'unlisted';
export type JoiningMode = 'open' | 'request' | 'invitation';

/** A group as GET /api/groups/{id} answers it, with the settings the base type leaves out. */
export interface AdminGroup extends Group {
  hub: Hub & { time_zone: string };
  visibility: Visibility;
  joining: JoiningMode;
  capacity: number | null;
  member_count: number;
  tags: string[];
  archived: boolean;
  next_session: { starts_at: string; ends_at: string } | null;
}

export interface GroupSettingsChange {
  name?: string;
  description?: string;
  agreement?: string;
  visibility?: Visibility;
  joining?: JoiningMode;
  capacity?: number | null;
  tags?: string[];
  retention_days?: number;
  archived?: boolean;
}

export interface AgreementVersion {
  version: number;
  text: string;
  created_at: string;
  created_by: string | null;
}

export interface GroupMember {
  user_id: number;
  pseudonym: string;
  joined_at: string;
  agreement_version: number;
  current: boolean;
}

export interface JoinRequest {
  user_id: number;
  pseudonym: string;
  status: 'pending' | 'approved' | 'declined';
  requested_at: string;
  decided_at: string | null;
}

export interface Invitation {
  id: number;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  uses: number;
}

export interface InvitationCreated {
  invitation: Invitation;
  /** Given this once only. */
  token: string;
}

export interface Schedule {
  id: number;
  group_id: number;
  kind: 'weekly' | 'once';
  /** 0 = Monday .. 6 = Sunday. */
  weekday: number | null;
  local_time: string;
  duration_minutes: number;
  starts_on: string;
  ends_on: string | null;
  time_zone: string;
}

export interface ScheduleCreate {
  kind: 'weekly' | 'once';
  weekday?: number;
  local_time: string;
  duration_minutes: number;
  starts_on: string;
  ends_on?: string;
}

export interface Occurrence {
  schedule_id: number | null;
  session_id: number | null;
  /** Its original local date, which names it. */
  date: string;
  starts_at: string;
  ends_at: string;
  status: 'scheduled' | 'cancelled' | 'moved';
}

export interface OccurrenceList {
  time_zone: string;
  occurrences: Occurrence[];
  truncated: boolean;
}
