/** Shapes of the member-facing pages: the public front door, the crisis lines, the directory's filters and
 * the group page's joining (server/api_models_hubs.py, api_models_schedules.py, api_models_groups.py). */

import type { Group, Hub } from './types';

/** One way to get help now. Any of phone, sms (free text, e.g. "Text SHOUT to 85258") and web may be "". */
export interface CrisisLine {
  name: string;
  phone: string;
  sms: string;
  web: string;
  hours: string;
}

/** GET /api/public/hubs: who a hub is and where to get help now, before signing in. */
export interface PublicHub {
  id: number;
  slug: string;
  name: string;
  locality: string;
  about: string;
  time_zone: string;
  crisis_lines: CrisisLine[];
}

/** When a group next meets (UTC ISO 8601). */
export interface NextSession {
  starts_at: string;
  ends_at: string;
}

/** GET /api/public/groups: what anyone may know about a listed group. */
export interface PublicGroup {
  id: number;
  name: string;
  description: string;
  hub: { id: number; name: string; locality: string };
  tags: string[];
  next_session: NextSession | null;
}

export type Joining = 'open' | 'request' | 'invitation';

/** A group as GET /api/groups and GET /api/groups/{id} show it now (with its settings and next meeting). */
export interface GroupDetails extends Group {
  next_session: NextSession | null;
  visibility: 'listed' | 'unlisted';
  joining: Joining;
  capacity: number | null;
  member_count: number;
  tags: string[];
  archived: boolean;
  join_request: { status: 'pending' | 'approved' | 'declined' } | null;
}

/** PUT /api/groups/{id}/membership: joined (or renewed), or asked to join a group joined by request. */
export type JoinOutcome = { group: GroupDetails } | { request: { status: 'pending' } };

/** GET /api/invitations/{token}: the group an invitation is to. */
export interface InvitedGroup {
  id: number;
  hub: Hub;
  name: string;
  description: string;
  agreement: string;
  agreement_version: number;
  archived: boolean;
}

/** The directory's filters (GET /api/groups, GET /api/public/groups); times are the hub's local "HH:MM". */
export interface DirectoryFilter {
  tag?: string;
  hub?: number;
  weekday?: number;
  from_time?: string;
  to_time?: string;
}
