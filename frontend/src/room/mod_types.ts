/**
 * Shapes of moderation and members' tools in the room (docs/protocol.md "Members' tools" and "Moderation",
 * docs/api.md "Members' tools"). They extend the room's base shapes (../types.ts) with the fields those
 * sections add, all optional so that an older server's answers still fit.
 */

import type { Message, Session } from '../types';

/** A message with the moderation fields the server adds. */
export interface ModMessage extends Message {
  /** The author's own warning; others see the message collapsed behind it. */
  content_note?: string | null;
  /** room:join and history only: the viewer has blocked the author. */
  blocked_author?: boolean;
  /** Hidden by a facilitator: members get an empty body; staff get the text and the reason. */
  hidden?: boolean;
  hidden_reason?: string | null;
  /** Held for a facilitator's review: only its author and facilitators are given it. */
  held?: boolean;
  held_reason?: string | null;
  /** Its author deleted their account: the text is gone (docs/privacy.md). */
  removed?: boolean;
  /** A held message a facilitator declined: never posted; its author still sees their own text. */
  declined?: boolean;
  declined_reason?: string | null;
}

/** A session with the room controls of "Moderation". */
export interface ModSession extends Session {
  slow_mode_seconds?: number;
  locked?: boolean;
  pinned_message_id?: number | null;
}

export interface PersonRef {
  id: number;
  display_name: string;
}

export type SanctionKind = 'mute' | 'removal' | 'ban';

export interface Sanction {
  id: number;
  group_id: number;
  user: PersonRef;
  kind: SanctionKind;
  session_id: number | null;
  reason: string;
  created_at: string;
  /** null: until lifted. */
  expires_at: string | null;
  lifted_at: string | null;
}

export const REPORT_CATEGORIES = ['harassment', 'hate', 'spam', 'personal_details', 'unsafe_advice', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

/** A report as the hub's staff see it (never about themselves). */
export interface StaffReport {
  id: number;
  group_id: number;
  group_name: string;
  session_id: number | null;
  category: string;
  note: string;
  status: 'open' | 'resolved';
  created_at: string;
  message: { id: number; body: string; content_note: string | null; created_at: string; hidden: boolean } | null;
  auto_hidden: boolean;
  reported: PersonRef;
  reporter: PersonRef;
  outcome: string | null;
  resolved_at: string | null;
  resolved_by: PersonRef | null;
}

/** A report as its reporter sees it (never who dealt with it). */
export interface MyReport {
  id: number;
  group_id: number;
  group_name: string;
  message_id: number | null;
  reported: PersonRef;
  category: string;
  note: string;
  status: 'open' | 'resolved';
  outcome: string | null;
  created_at: string;
  resolved_at: string | null;
}

/** The viewer's own mute in force (room:join's `muted`, the `muted` refusal, `mod:muted`). */
export interface OwnMute {
  /** null: until a facilitator lifts it. */
  until: string | null;
  reason: string;
}

/** What room:join's ack adds for these tools. */
export interface ModJoin {
  blocked_user_ids?: number[];
  muted_words?: string[];
  muted?: OwnMute | null;
}

/** A moderation log entry (`mod:logged`, facilitators only). */
export interface LogEntry {
  id: number;
  action: string;
  actor: PersonRef | null;
  target_user: PersonRef | null;
  target_message_id: number | null;
  reason: string;
  created_at: string;
}

export interface BlockedPerson {
  user_id: number;
  pseudonym: string;
  blocked_at: string;
}
