/** REST calls of safeguarding (docs/api.md, "Safeguarding"): a hub's open concerns and one concern's detail
 * for its leads, the actions on a concern, break-glass, and for hub admins the escalation settings, dead
 * letters and the break-glass log. Same fetch helper as ./api. */

import { request } from './api';
import type {
  BreakGlassPage,
  Concern,
  ConcernDetail,
  DeadLetterPage,
  Delivery,
  EscalationChange,
  EscalationSettings,
  RevealedContact,
} from './types_safeguarding';

/** The server's default page (100) unless an older one is asked for. */
function pageQuery(beforeId: number | null): string {
  return beforeId === null ? '' : `?before_id=${beforeId}`;
}

export type ConcernAction = 'acknowledge' | 'start' | 'notes' | 'resolve';

export const safeguardingApi = {
  concerns: async (hubId: number, signal?: AbortSignal): Promise<Concern[]> =>
    (await request<{ concerns: Concern[] }>('GET', `/api/hubs/${hubId}/concerns`, undefined, signal ? { signal } : {})).concerns,
  concern: (id: number, signal?: AbortSignal): Promise<ConcernDetail> =>
    request<ConcernDetail>('GET', `/api/concerns/${id}`, undefined, signal ? { signal } : {}),
  /** acknowledge and start take an optional note, notes a note, resolve an outcome. */
  act: async (id: number, action: ConcernAction, text: string): Promise<Concern> => {
    const body = action === 'resolve' ? { outcome: text } : action === 'notes' || text !== '' ? { note: text } : {};
    return (await request<{ concern: Concern }>('POST', `/api/concerns/${id}/${action}`, body)).concern;
  },
  revealContact: (id: number, reason: string): Promise<RevealedContact> =>
    request<RevealedContact>('POST', `/api/concerns/${id}/reveal-contact`, { reason }),
  /** One page, newest first; `beforeId` (a page's next_before_id) for the next, older one. */
  breakGlassLog: (hubId: number, beforeId: number | null, signal?: AbortSignal): Promise<BreakGlassPage> =>
    request<BreakGlassPage>('GET', `/api/hubs/${hubId}/break-glass-log${pageQuery(beforeId)}`, undefined, signal ? { signal } : {}),
  /** One page, newest first; `beforeId` (a page's next_before_id) for the next, older one. */
  deadLetters: (hubId: number, beforeId: number | null, signal?: AbortSignal): Promise<DeadLetterPage> =>
    request<DeadLetterPage>('GET', `/api/hubs/${hubId}/dead-letters${pageQuery(beforeId)}`, undefined, signal ? { signal } : {}),
  redeliver: async (deliveryId: number): Promise<Delivery> =>
    (await request<{ delivery: Delivery }>('POST', `/api/outbox/${deliveryId}/redeliver`)).delivery,
  escalation: (hubId: number, signal?: AbortSignal): Promise<EscalationSettings> =>
    request<EscalationSettings>('GET', `/api/hubs/${hubId}/escalation`, undefined, signal ? { signal } : {}),
  updateEscalation: (hubId: number, change: EscalationChange): Promise<EscalationSettings> =>
    request<EscalationSettings>('PUT', `/api/hubs/${hubId}/escalation`, change),
};
