/**
 * When a group meets: its schedules (weekly or once, in the hub's local time), a form to add one, and the
 * upcoming meetings, each shown in the hub's zone and, when it differs, the viewer's own; a meeting can be
 * cancelled, moved or restored.
 */

import { describeError } from '../api';
import { adminApi } from '../api_admin';
import { confirmDialog } from '../dialog';
import { h, uid } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t } from '../i18n';
import { parseServerTime } from '../time';
import type { Occurrence, Schedule, ScheduleCreate } from '../types_admin';
import {
  dateText,
  inZone,
  listOrEmpty,
  loadInto,
  section,
  todayIso,
  viewerZone,
  wallClock,
  weekdayNames,
  zonedInstant,
} from './admin_common';

function describeSchedule(schedule: Schedule): string {
  const params = { time: schedule.local_time, minutes: schedule.duration_minutes };
  if (schedule.kind === 'once') return t('adm.sched.onceItem', { ...params, date: dateText(schedule.starts_on) });
  const weekday = weekdayNames()[schedule.weekday ?? 0] ?? '';
  const from = dateText(schedule.starts_on);
  return schedule.ends_on
    ? t('adm.sched.weeklyItemUntil', { ...params, weekday, from, until: dateText(schedule.ends_on) })
    : t('adm.sched.weeklyItem', { ...params, weekday, from });
}

export function schedulesSection(groupId: number, hubZone: string, signal: AbortSignal): HTMLElement {
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const schedulesList = h('div', { tabindex: '-1' });
  const upcoming = h('div', { tabindex: '-1', 'data-testid': 'occurrences' });
  const upcomingAlert = new AlertRegion();
  const mine = viewerZone();

  // ---- The schedules -------------------------------------------------------------------------

  const scheduleItem = (schedule: Schedule): HTMLLIElement => {
    const what = describeSchedule(schedule);
    const remove = h(
      'button',
      { type: 'button', class: 'button button--quiet', 'aria-label': t('adm.sched.deleteNamed', { what }) },
      t('adm.sched.delete'),
    );
    remove.addEventListener('click', async () => {
      if (isBusy(remove)) return;
      alert.clear();
      done.clear();
      const sure = await confirmDialog(
        {
          title: t('adm.sched.deleteTitle'),
          body: t('adm.sched.deleteBody'),
          confirmLabel: t('adm.sched.delete'),
          cancelLabel: t('adm.cancel'),
          danger: true,
        },
        signal,
      );
      if (!sure) return;
      const restore = busy(remove, t('adm.removing'));
      try {
        await adminApi.deleteSchedule(groupId, schedule.id);
        done.show(t('adm.sched.deleted'));
        reload();
        schedulesList.focus();
      } catch (err) {
        restore();
        alert.show(describeError(err));
      }
    });
    return h('li', { class: 'admin-item', 'data-testid': 'schedule' }, h('span', null, what), remove);
  };

  // ---- Adding one ----------------------------------------------------------------------------

  const kindName = uid('kind');
  const weekly = h('input', { type: 'radio', name: kindName, value: 'weekly', id: uid('kind'), checked: true, 'data-testid': 'schedule-weekly' });
  const once = h('input', { type: 'radio', name: kindName, value: 'once', id: uid('kind'), 'data-testid': 'schedule-once' });
  const weekday = h(
    'select',
    { 'data-testid': 'schedule-weekday' },
    weekdayNames().map((name, i) => h('option', { value: i }, name)),
  );
  const time = h('input', { type: 'time', required: true, 'data-testid': 'schedule-time' });
  const duration = h('input', { type: 'number', min: 15, max: 480, step: 5, value: 90, inputmode: 'numeric', 'data-testid': 'schedule-duration' });
  const startsOn = h('input', { type: 'date', required: true, value: todayIso(), 'data-testid': 'schedule-starts' });
  const endsOn = h('input', { type: 'date', 'data-testid': 'schedule-ends' });
  const weekdayField = field({ label: t('adm.sched.weekday'), control: weekday });
  const endsField = field({ label: t('adm.sched.endsOn'), control: endsOn, hint: t('adm.sched.endsOn.hint') });
  const startsField = field({ label: t('adm.sched.startsOn'), control: startsOn });
  const startsLabel = startsField.querySelector('label');
  const syncKind = (): void => {
    weekdayField.hidden = !weekly.checked;
    endsField.hidden = !weekly.checked;
    if (startsLabel) startsLabel.textContent = weekly.checked ? t('adm.sched.startsOn') : t('adm.sched.onDate');
  };
  weekly.addEventListener('change', syncKind);
  once.addEventListener('change', syncKind);
  const add = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'schedule-add' }, t('adm.sched.add'));
  const formAlert = new AlertRegion();
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'aria-labelledby': 'schedule-add-heading' },
    h('h3', { id: 'schedule-add-heading' }, t('adm.sched.addHeading')),
    h(
      'fieldset',
      { class: 'fieldset' },
      h('legend', null, t('adm.sched.kind')),
      h('div', { class: 'checkbox' }, weekly, h('label', { for: weekly.id }, t('adm.sched.kind.weekly'))),
      h('div', { class: 'checkbox' }, once, h('label', { for: once.id }, t('adm.sched.kind.once'))),
    ),
    weekdayField,
    field({ label: t('adm.sched.time', { zone: hubZone }), control: time }),
    field({ label: t('adm.sched.duration'), control: duration, hint: t('adm.sched.duration.hint') }),
    startsField,
    endsField,
    formAlert.el,
    h('div', { class: 'actions' }, add),
  );
  syncKind();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(add)) return;
    formAlert.clear();
    done.clear();
    for (const control of [time, duration, startsOn, endsOn]) setInvalid(control, false);
    const minutes = Number(duration.value);
    const problems: { control: HTMLElement; text: string }[] = [];
    if (!/^\d{2}:\d{2}$/.test(time.value)) problems.push({ control: time, text: t('adm.sched.timeFormat') });
    if (!Number.isInteger(minutes) || minutes < 15 || minutes > 480) {
      problems.push({ control: duration, text: t('adm.sched.durationRange') });
    }
    if (startsOn.value === '') problems.push({ control: startsOn, text: t('adm.sched.dateRequired') });
    if (weekly.checked && endsOn.value !== '' && startsOn.value !== '' && endsOn.value < startsOn.value) {
      problems.push({ control: endsOn, text: t('adm.sched.endsBefore') });
    }
    if (problems.length > 0) {
      for (const p of problems) setInvalid(p.control, true);
      formAlert.show(problems.map((p) => p.text).join(' '));
      problems[0]?.control.focus();
      return;
    }
    const body: ScheduleCreate = {
      kind: weekly.checked ? 'weekly' : 'once',
      local_time: time.value,
      duration_minutes: minutes,
      starts_on: startsOn.value,
    };
    if (weekly.checked) {
      body.weekday = Number(weekday.value);
      if (endsOn.value !== '') body.ends_on = endsOn.value;
    }
    const restore = busy(add, t('adm.sched.adding'));
    try {
      await adminApi.createSchedule(groupId, body);
      restore();
      done.show(t('adm.sched.added'));
      reload();
    } catch (err) {
      restore();
      formAlert.show(describeError(err));
    }
  });

  // ---- Upcoming meetings ---------------------------------------------------------------------

  const whenText = (value: string): string => {
    const date = parseServerTime(value);
    return date ? inZone(date, hubZone) : value;
  };

  const occurrenceItem = (occurrence: Occurrence): HTMLLIElement => {
    const start = parseServerTime(occurrence.starts_at);
    const hubText = whenText(occurrence.starts_at);
    const lines: HTMLElement[] = [
      h('time', { datetime: start ? start.toISOString() : occurrence.starts_at, class: 'occurrence__when' }, hubText),
    ];
    if (start && mine !== hubZone && inZone(start, mine) !== inZone(start, hubZone)) {
      lines.push(h('span', { class: 'muted' }, t('adm.sched.yourTime', { when: inZone(start, mine) })));
    }
    const badges: HTMLElement[] = [];
    if (occurrence.status === 'cancelled') badges.push(h('span', { class: 'badge badge--cancelled' }, t('adm.sched.cancelled')));
    if (occurrence.status === 'moved') badges.push(h('span', { class: 'badge' }, t('adm.sched.moved')));
    if (occurrence.schedule_id === null) badges.push(h('span', { class: 'badge' }, t('adm.sched.oneOff')));
    const actions = h('span', { class: 'actions' });
    const moveArea = h('div');
    const scheduleId = occurrence.schedule_id;
    if (scheduleId !== null) {
      const act = async (button: HTMLButtonElement, action: 'cancel' | 'restore'): Promise<void> => {
        if (isBusy(button)) return;
        upcomingAlert.clear();
        done.clear();
        if (action === 'cancel') {
          const sure = await confirmDialog(
            {
              title: t('adm.sched.cancelTitle'),
              body: t('adm.sched.cancelBody'),
              confirmLabel: t('adm.sched.cancelConfirm'),
              cancelLabel: t('adm.sched.keep'),
              danger: true,
            },
            signal,
          );
          if (!sure) return;
        }
        const restore = busy(button, t('adm.saving'));
        try {
          await adminApi.changeOccurrence(groupId, scheduleId, occurrence.date, action);
          done.show(t(action === 'cancel' ? 'adm.sched.cancelledDone' : 'adm.sched.restoredDone', { when: hubText }));
          reloadUpcoming();
          upcoming.focus();
        } catch (err) {
          restore();
          upcomingAlert.show(describeError(err));
        }
      };
      if (occurrence.status === 'scheduled') {
        const cancel = h(
          'button',
          { type: 'button', class: 'button button--quiet', 'aria-label': t('adm.sched.cancelNamed', { when: hubText }), 'data-testid': 'occurrence-cancel' },
          t('adm.sched.cancel'),
        );
        cancel.addEventListener('click', () => void act(cancel, 'cancel'));
        actions.append(cancel);
      } else {
        const restoreButton = h(
          'button',
          { type: 'button', class: 'button button--quiet', 'aria-label': t('adm.sched.restoreNamed', { when: hubText }), 'data-testid': 'occurrence-restore' },
          t('adm.sched.restore'),
        );
        restoreButton.addEventListener('click', () => void act(restoreButton, 'restore'));
        actions.append(restoreButton);
      }
      if (occurrence.status !== 'cancelled') {
        const move = h(
          'button',
          {
            type: 'button',
            class: 'button button--quiet',
            'aria-expanded': 'false',
            'aria-label': t('adm.sched.moveNamed', { when: hubText }),
            'data-testid': 'occurrence-move',
          },
          t('adm.sched.move'),
        );
        move.addEventListener('click', () => {
          const open = move.getAttribute('aria-expanded') === 'true';
          move.setAttribute('aria-expanded', open ? 'false' : 'true');
          if (open) {
            moveArea.replaceChildren();
            return;
          }
          moveArea.replaceChildren(moveForm(occurrence, scheduleId, hubText, start));
          moveArea.querySelector<HTMLInputElement>('input')?.focus();
        });
        actions.append(move);
      }
    }
    return h(
      'li',
      { class: 'admin-item occurrence', 'data-testid': 'occurrence', 'data-status': occurrence.status },
      h('span', { class: 'occurrence__times' }, lines),
      badges,
      actions,
      moveArea,
    );
  };

  const moveForm = (occurrence: Occurrence, scheduleId: number, hubText: string, start: Date | null): HTMLElement => {
    const wall = start ? wallClock(start, hubZone) : { date: occurrence.date, time: '' };
    const date = h('input', { type: 'date', required: true, value: wall.date, min: todayIso(-1), 'data-testid': 'move-date' });
    const at = h('input', { type: 'time', required: true, value: wall.time, 'data-testid': 'move-time' });
    const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'move-submit' }, t('adm.sched.moveSubmit'));
    const moveAlert = new AlertRegion();
    const form = h(
      'form',
      { class: 'form', novalidate: true },
      h(
        'fieldset',
        { class: 'fieldset' },
        h('legend', null, t('adm.sched.moveLegend', { when: hubText })),
        field({ label: t('adm.sched.moveDate'), control: date }),
        field({ label: t('adm.sched.moveTime', { zone: hubZone }), control: at }),
      ),
      moveAlert.el,
      h('div', { class: 'actions' }, submit),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (isBusy(submit)) return;
      moveAlert.clear();
      const instant = zonedInstant(date.value, at.value, hubZone);
      if (!instant) {
        moveAlert.show(t('adm.sched.moveInvalid'));
        (date.value === '' ? date : at).focus();
        return;
      }
      const restore = busy(submit, t('adm.saving'));
      try {
        const moved = await adminApi.changeOccurrence(
          groupId,
          scheduleId,
          occurrence.date,
          'move',
          instant.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        );
        done.show(t('adm.sched.movedDone', { when: whenText(moved.starts_at) }));
        reloadUpcoming();
        upcoming.focus();
      } catch (err) {
        restore();
        moveAlert.show(describeError(err));
      }
    });
    return form;
  };

  const reloadUpcoming = (): void => {
    void loadInto(upcoming, upcomingAlert, signal, () => adminApi.occurrences(groupId, signal), (answer) =>
      listOrEmpty(answer.occurrences.map(occurrenceItem), t('adm.sched.noUpcoming')),
    );
  };

  const reload = (): void => {
    void loadInto(schedulesList, alert, signal, () => adminApi.schedules(groupId, signal), (schedules) =>
      listOrEmpty(schedules.map(scheduleItem), t('adm.sched.empty'), { 'data-testid': 'schedules' }),
    );
    reloadUpcoming();
  };
  reload();

  return section(
    'schedules-heading',
    t('adm.sched.heading'),
    h('p', null, t('adm.sched.intro', { zone: hubZone })),
    done.el,
    h('h3', null, t('adm.sched.listHeading')),
    alert.el,
    schedulesList,
    form,
    h('h3', null, t('adm.sched.upcomingHeading')),
    h('p', { class: 'hint' }, t('adm.sched.upcomingIntro')),
    upcomingAlert.el,
    upcoming,
  );
}
