/**
 * A facilitator's own training, when it needs attention: expiring within 30 days, or lapsed with nothing
 * current in that hub. Hidden when all is well (or the person has no training on record).
 */

import { adminApi } from '../api_admin';
import { h } from '../dom';
import { t, tCount } from '../i18n';
import type { TrainingRecord } from '../types_admin';
import { dateText } from './admin_common';

function sentence(record: TrainingRecord): string {
  const params = { course: record.course, hub: record.hub_name, date: dateText(record.expires_on) };
  if (record.status === 'expired') return t('adm.myTraining.expired', params);
  if (record.days_left === 0) return t('adm.myTraining.expiringToday', params);
  return tCount(record.days_left, { one: 'adm.myTraining.expiring.one', other: 'adm.myTraining.expiring.other' }, params);
}

/** Per hub, the record that matters most: the one lasting longest. */
function latestPerHub(records: TrainingRecord[]): TrainingRecord[] {
  const best = new Map<number, TrainingRecord>();
  for (const record of records) {
    const seen = best.get(record.hub_id);
    if (!seen || record.expires_on > seen.expires_on) best.set(record.hub_id, record);
  }
  return [...best.values()];
}

export function myTrainingNotice(signal: AbortSignal): HTMLElement {
  const list = h('ul', null);
  const el = h(
    'section',
    { class: 'notice notice--warn', 'aria-labelledby': 'my-training-heading', hidden: true, 'data-testid': 'my-training' },
    h('h2', { id: 'my-training-heading' }, t('adm.myTraining.heading')),
    list,
  );
  adminApi
    .myTraining(signal)
    .then((records) => {
      const attention = latestPerHub(records).filter((r) => r.status !== 'current');
      list.replaceChildren(...attention.map((r) => h('li', { dir: 'auto' }, sentence(r))));
      el.hidden = attention.length === 0;
    })
    .catch(() => undefined);
  return el;
}
