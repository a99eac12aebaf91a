/** Safeguarding shapes from docs/protocol.md ("Safeguarding") and docs/api.md: concerns, their detail and
 * timeline, deliveries, break-glass entries and a hub's escalation settings. Concerns never carry message text;
 * a concern's detail carries the kept messages for the hub's leads only. */

import type { CrisisLine } from './types_member';

export type { CrisisLine } from './types_member';

export type ConcernTier = 'concern' | 'high' | 'imminent';
export type ConcernState = 'raised' | 'acknowledged' | 'in_progress' | 'resolved';
export type ConcernSource = 'help_now' | 'worried' | 'facilitator' | 'detector';

export interface PersonRef {
  user_id: number;
  pseudonym: string;
}

export interface Concern {
  id: number;
  hub_id: number;
  group_id: number | null;
  group_name: string | null;
  session_id: number | null;
  subject: PersonRef | null;
  source: ConcernSource;
  tier: ConcernTier;
  state: ConcernState;
  explanation: string;
  outcome: string;
  ack_deadline: string | null;
  /** Seconds to the acknowledgement deadline when the server answered (null unless raised; negative once overdue). */
  seconds_left: number | null;
  escalation_level: number;
  created_at: string;
  updated_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
}

export interface ConcernMessage {
  id: number;
  author: { display_name: string; role: string };
  body: string;
  created_at: string;
  /** Copied into the safeguarding record (outlives the room's retention). */
  kept: boolean;
  /** One of the messages that raised the concern. */
  triggering: boolean;
}

export interface TimelineEvent {
  id: number;
  kind: string;
  actor: string | null;
  note: string;
  at: string;
}

export interface ConcernDetail {
  concern: Concern & { raised_by: PersonRef | null };
  messages: ConcernMessage[];
  timeline: TimelineEvent[];
  crisis_lines: CrisisLine[];
  other_open_concerns: Concern[];
}

export interface RiskMatch {
  phrase: string;
  construct: string;
  why: string;
}

/** Server events of safeguarding. */
export interface SupportOffer {
  group_id: number;
  crisis_lines: CrisisLine[];
  talk_to_facilitator: boolean;
}

export interface MessageRisk {
  group_id: number;
  message_id: number;
  tier: ConcernTier | 'none';
  explanation: string;
  matches: RiskMatch[];
}

export interface ConcernNews {
  concern: Concern;
  level?: number;
  key?: string;
}

export interface Delivery {
  id: number;
  concern_id: number;
  channel: string;
  target: string;
  event: string;
  level: number;
  idempotency_key: string;
  state: 'pending' | 'delivered' | 'dead';
  attempts: number;
  last_error: string;
  created_at: string;
  delivered_at: string | null;
}

/** A page of a hub admin's list, newest first: pass `next_before_id` as `before_id` for the next (older) one;
 * null when nothing older is left. */
export interface DeadLetterPage {
  dead_letters: Delivery[];
  next_before_id: number | null;
}

export interface BreakGlassPage {
  entries: BreakGlassEntry[];
  next_before_id: number | null;
}

export interface BreakGlassEntry {
  id: number;
  concern_id: number;
  actor: PersonRef;
  subject: PersonRef;
  reason: string;
  at: string;
}

export interface EscalationSettings {
  hub_id: number;
  webhook_url: string | null;
  webhook_secret_set: boolean;
  escalation_email: string | null;
  ack_seconds: { concern: number; high: number; imminent: number };
}

export interface EscalationChange {
  webhook_url?: string | null;
  webhook_secret?: string;
  escalation_email?: string | null;
  ack_concern_seconds?: number;
  ack_high_seconds?: number;
  ack_imminent_seconds?: number;
}

export interface RevealedContact {
  user_id: number;
  pseudonym: string;
  email: string | null;
}
