/** Shapes from docs/api.md and docs/protocol.md. */

import type { ToolsSnapshot } from './room/tools';

/** A hub staff role as /api/me lists it (the four roles a hub can give). */
export type StaffRole = 'facilitator' | 'senior_peer' | 'safeguarding_lead' | 'hub_admin';
export type RoomRole = 'member' | 'facilitator';

export interface StaffEntry {
  hub_id: number;
  role: StaffRole;
}

export interface User {
  id: number;
  pseudonym: string;
  email: string | null;
  is_platform_admin: boolean;
  staff: StaffEntry[];
  two_factor?: { enabled: boolean; enrolment_required: boolean };
  /** The interface language they picked (en, cy, ar), or null to follow the browser. */
  language?: string | null;
}

/** POST /api/auth/login (and its two-factor step). */
export type SignInResult =
  | { status: 'signed_in' | 'two_factor_enrolment_required'; user: User }
  | { status: 'two_factor_required'; challenge: string };

/** GET /api/auth/sessions: one signed-in browser. */
export interface DeviceSession {
  id: number;
  created_at: string;
  last_seen_at: string;
  device: string;
  current: boolean;
}

export interface TwoFactorStatus {
  enabled: boolean;
  eligible: boolean;
  enrolment_required: boolean;
}

/** GET /api/hubs/{id}/settings, PATCH /api/hubs/{id}. */
export interface HubSettings extends Hub {
  require_two_factor: boolean;
}

export interface TwoFactorEnrolment {
  secret: string;
  otpauth_uri: string;
}

/** POST /api/auth/password-check: how guessable a password would be (zxcvbn, 0 to 4). */
export interface PasswordCheck {
  score: number;
  acceptable: boolean;
  warning: string;
  suggestions: string[];
}

export interface Hub {
  id: number;
  slug: string;
  name: string;
  locality: string;
}

export interface Author {
  id: number;
  display_name: string;
  role: RoomRole;
}

export type SessionStatus = 'scheduled' | 'live' | 'paused' | 'ended';

export interface Session {
  id: number;
  group_id: number;
  status: SessionStatus;
  scheduled_for: string | null;
  opened_at: string | null;
  ended_at: string | null;
  opened_by: Author | null;
  /** Paused: the last facilitator left; it ends at ends_if_unfacilitated_at unless one returns. */
  paused_at: string | null;
  end_reason: string | null;
  ends_if_unfacilitated_at: string | null;
  /** One voice at a time: only `turn_user_id`, and facilitators, may post. */
  one_voice?: boolean;
  turn_user_id?: number | null;
}

export interface Membership {
  agreement_version: number;
  joined_at: string;
  current: boolean;
}

export interface Group {
  id: number;
  hub: Hub;
  name: string;
  description: string;
  agreement: string;
  agreement_version: number;
  membership: Membership | null;
  my_role: 'member' | 'facilitator' | 'hub_admin' | null;
  session: Session | null;
  /** Days a session's messages are kept after it ends (docs/privacy.md); shown to members. */
  retention_days: number;
}

export interface Message {
  id: number;
  group_id: number;
  session_id: number;
  author: Author;
  body: string;
  client_id: string | null;
  created_at: string;
}

export interface Present {
  user_id: number;
  display_name: string;
  role: RoomRole;
  /** Taking a break: shown as "stepping out". */
  away?: boolean;
}

export interface ErrorBody {
  code: string;
  message: string;
}

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

/** Limits the server enforces, sent with the `room:join` ack (absent from older servers). */
export interface RoomLimits {
  /** The longest message body accepted, in characters (code points). */
  max_message_chars?: number;
}

export interface JoinResult {
  group: { id: number; name: string };
  session: Session | null;
  present: Present[];
  messages: Message[];
  has_more: boolean;
  last_id: number;
  role: RoomRole;
  limits?: RoomLimits;
  /** Session tools (./room/tools.ts): hands, and the facilitators' or the member's own side of things. */
  hands?: ToolsSnapshot['hands'];
  staff?: ToolsSnapshot['staff'];
  mine?: ToolsSnapshot['mine'];
}

export interface HistoryResult {
  messages: Message[];
  has_more: boolean;
}

export interface ServerToClientEvents {
  'auth:signed_out': () => void;
  'room:removed': (payload: { group_id: number }) => void;
  'message:new': (payload: { message: Message }) => void;
  // The room's newest message id, every few seconds when several processes share Redis (docs/protocol.md).
  'room:watermark': (payload: { group_id: number; last_id: number }) => void;
  'presence:update': (payload: { group_id: number; present: Present[] }) => void;
  'session:updated': (payload: { group_id: number; session: Session }) => void;
  typing: (payload: { group_id: number; user_id: number; display_name: string; typing: boolean }) => void;
}

export interface ClientToServerEvents {
  'room:join': (payload: { group_id: number; since_id?: number }, ack: (r: Ack<JoinResult>) => void) => void;
  'room:leave': (payload: { group_id: number }, ack: (r: Ack<object>) => void) => void;
  'message:send': (
    payload: { group_id: number; client_id: string; body: string },
    ack: (r: Ack<{ message: Message }>) => void,
  ) => void;
  'history:since': (
    payload: { group_id: number; since_id: number; limit?: number },
    ack: (r: Ack<HistoryResult>) => void,
  ) => void;
  'history:before': (
    payload: { group_id: number; before_id: number; limit?: number },
    ack: (r: Ack<HistoryResult>) => void,
  ) => void;
  typing: (payload: { group_id: number; typing: boolean }, ack: (r: Ack<object>) => void) => void;
}
