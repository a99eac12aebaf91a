/**
 * A hub's staff and their training: who holds which role (give one, take one away), and the training
 * records that let facilitators facilitate (record one, delete one). Training that expires within 30 days
 * is called out at the top and marked in words, not colour alone.
 */

import { describeError } from '../api';
import { adminApi } from '../api_admin';
import { confirmDialog } from '../dialog';
import { h } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t, tCount, tIsolated, type MessageKey } from '../i18n';
import { HUB_ROLES, type HubRole, type StaffMember, type TrainingRecord } from '../types_admin';
import { dateElement, dateText, loadInto, section, todayIso } from './admin_common';

const PSEUDONYM = /^[\p{L}\p{N} ._-]{3,32}$/u;

const ROLE_NAMES: Readonly<Record<HubRole, MessageKey>> = {
  facilitator: 'adm.role.facilitator',
  senior_peer: 'adm.role.senior_peer',
  safeguarding_lead: 'adm.role.safeguarding_lead',
  hub_admin: 'adm.role.hub_admin',
};

export function roleName(role: HubRole): string {
  return t(ROLE_NAMES[role]);
}

/** A training record's standing in words: current, "expires in N days", expired. */
export function trainingText(record: TrainingRecord): string {
  if (record.status === 'expired' || record.days_left < 0) return t('adm.training.expired', { date: dateText(record.expires_on) });
  if (record.status === 'expiring_soon') {
    if (record.days_left === 0) return t('adm.staff.trainingExpiringToday', { date: dateText(record.expires_on) });
    return tCount(record.days_left, { one: 'adm.staff.trainingExpiring.one', other: 'adm.staff.trainingExpiring.other' }, {
      date: dateText(record.expires_on),
    });
  }
  return t('adm.staff.trainingCurrent', { date: dateText(record.expires_on) });
}

function pseudonymInput(testId: string): HTMLInputElement {
  return h('input', { type: 'text', maxlength: 32, autocomplete: 'off', required: true, dir: 'auto', 'data-testid': testId });
}

export function staffSection(hubId: number, signal: AbortSignal): HTMLElement {
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const table = h('div', { tabindex: '-1' });
  const trainingAlert = new AlertRegion();
  const trainingDone = new StatusRegion('notice--success');
  const trainingList = h('div', { tabindex: '-1' });
  const expiringNote = h('div', { 'data-testid': 'training-expiring' });

  // ---- Staff ---------------------------------------------------------------------------------

  const removeRole = (person: StaffMember, role: HubRole): HTMLButtonElement => {
    const button = h(
      'button',
      {
        type: 'button',
        class: 'button button--quiet',
        'aria-label': t('adm.staff.removeRoleNamed', { role: roleName(role), name: person.pseudonym }),
        'data-testid': `remove-role-${person.user_id}-${role}`,
      },
      t('adm.staff.removeRole'),
    );
    button.addEventListener('click', async () => {
      if (isBusy(button)) return;
      alert.clear();
      done.clear();
      const sure = await confirmDialog(
        {
          title: t('adm.staff.removeTitle'),
          body: t('adm.staff.removeBody', { name: person.pseudonym, role: roleName(role) }),
          confirmLabel: t('adm.remove'),
          cancelLabel: t('adm.cancel'),
          danger: true,
        },
        signal,
      );
      if (!sure) return;
      const restore = busy(button, t('adm.removing'));
      try {
        await adminApi.removeStaffRole(hubId, person.user_id, role);
        done.show(t('adm.staff.removed', { name: person.pseudonym, role: roleName(role) }));
        reloadStaff();
        table.focus();
      } catch (err) {
        restore();
        alert.show(describeError(err));
      }
    });
    return button;
  };

  const trainingCell = (person: StaffMember): HTMLElement => {
    const training = person.training;
    if (training === null) return h('td', { class: 'muted' }, t('adm.staff.trainingNotNeeded'));
    if (training.current === null) {
      return h('td', { 'data-status': training.status }, training.status === 'expired' ? t('adm.staff.trainingExpired') : t('adm.staff.trainingNone'));
    }
    const warn = training.status !== 'current';
    return h('td', { 'data-status': training.status, class: warn ? 'training--warn' : null }, trainingText(training.current));
  };

  const staffTable = (staff: StaffMember[]): HTMLElement => {
    if (staff.length === 0) return h('p', { class: 'muted' }, t('adm.staff.empty'));
    return h(
      'table',
      { class: 'admin-table', 'data-testid': 'staff-table' },
      h('caption', { class: 'visually-hidden' }, t('adm.staff.heading')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('adm.staff.person')), h('th', { scope: 'col' }, t('adm.staff.roles')), h('th', { scope: 'col' }, t('adm.staff.training')))),
      h(
        'tbody',
        null,
        staff.map((person) =>
          h(
            'tr',
            { 'data-testid': `staff-${person.pseudonym}` },
            h('th', { scope: 'row', dir: 'auto' }, person.pseudonym),
            h(
              'td',
              null,
              h('ul', { class: 'role-list' }, person.roles.map((role) => h('li', null, h('span', null, roleName(role)), ' ', removeRole(person, role)))),
            ),
            trainingCell(person),
          ),
        ),
      ),
    );
  };

  const reloadStaff = (): void => {
    void loadInto(table, alert, signal, () => adminApi.staff(hubId, signal), staffTable);
  };

  const addAlert = new AlertRegion();
  const who = pseudonymInput('staff-pseudonym');
  const role = h('select', { 'data-testid': 'staff-role' }, HUB_ROLES.map((r) => h('option', { value: r }, roleName(r))));
  const addButton = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'staff-add' }, t('adm.staff.add'));
  const addForm = h(
    'form',
    { class: 'form', novalidate: true, 'aria-labelledby': 'staff-add-heading' },
    h('h3', { id: 'staff-add-heading' }, t('adm.staff.addHeading')),
    field({ label: t('adm.staff.pseudonym'), control: who, hint: t('adm.staff.pseudonym.hint') }),
    field({ label: t('adm.staff.role'), control: role }),
    addAlert.el,
    h('div', { class: 'actions' }, addButton),
  );
  addForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(addButton)) return;
    addAlert.clear();
    done.clear();
    setInvalid(who, false);
    const name = who.value.trim();
    if (!PSEUDONYM.test(name)) {
      setInvalid(who, true);
      addAlert.show(name === '' ? t('validation.required', { field: t('adm.staff.pseudonym') }) : t('validation.pseudonymFormat'));
      who.focus();
      return;
    }
    const restore = busy(addButton, t('adm.staff.adding'));
    try {
      const added = await adminApi.addStaff(hubId, name, role.value as HubRole);
      restore();
      who.value = '';
      done.show(t('adm.staff.added', { name: added.pseudonym, role: roleName(role.value as HubRole) }));
      reloadStaff();
    } catch (err) {
      restore();
      addAlert.show(describeError(err));
      who.focus();
    }
  });

  // ---- Training ------------------------------------------------------------------------------

  const deleteTraining = (record: TrainingRecord): HTMLButtonElement => {
    const button = h(
      'button',
      {
        type: 'button',
        class: 'button button--quiet',
        'aria-label': t('adm.training.deleteNamed', { course: record.course, name: record.pseudonym }),
        'data-testid': `training-delete-${record.id}`,
      },
      t('adm.training.delete'),
    );
    button.addEventListener('click', async () => {
      if (isBusy(button)) return;
      trainingAlert.clear();
      trainingDone.clear();
      const sure = await confirmDialog(
        {
          title: t('adm.training.deleteTitle'),
          body: t('adm.training.deleteBody', { name: record.pseudonym }),
          confirmLabel: t('adm.training.delete'),
          cancelLabel: t('adm.cancel'),
          danger: true,
        },
        signal,
      );
      if (!sure) return;
      const restore = busy(button, t('adm.removing'));
      try {
        await adminApi.deleteTraining(hubId, record.id);
        trainingDone.show(t('adm.training.deleted'));
        reloadTraining();
        reloadStaff();
        trainingList.focus();
      } catch (err) {
        restore();
        trainingAlert.show(describeError(err));
      }
    });
    return button;
  };

  const trainingTable = (records: TrainingRecord[]): HTMLElement => {
    const soon = records.filter((r) => r.status === 'expiring_soon');
    expiringNote.replaceChildren();
    if (soon.length > 0) {
      expiringNote.append(
        h(
          'div',
          { class: 'notice notice--warn' },
          h('p', null, tCount(soon.length, { one: 'adm.training.expiringSummary.one', other: 'adm.training.expiringSummary.other' })),
          h(
            'ul',
            null,
            soon.map((r) => h('li', null, tIsolated('adm.training.expiringItem', { name: r.pseudonym, course: r.course, when: trainingText(r) }))),
          ),
        ),
      );
    }
    if (records.length === 0) return h('p', { class: 'muted' }, t('adm.training.empty'));
    return h(
      'table',
      { class: 'admin-table', 'data-testid': 'training-table' },
      h('caption', { class: 'visually-hidden' }, t('adm.training.heading')),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, t('adm.staff.person')),
          h('th', { scope: 'col' }, t('adm.training.course')),
          h('th', { scope: 'col' }, t('adm.training.completedOn')),
          h('th', { scope: 'col' }, t('adm.training.status')),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('adm.actions'))),
        ),
      ),
      h(
        'tbody',
        null,
        records.map((r) =>
          h(
            'tr',
            { 'data-testid': `training-${r.pseudonym}`, 'data-status': r.status, class: r.status === 'current' ? null : 'training--warn' },
            h('th', { scope: 'row', dir: 'auto' }, r.pseudonym),
            h('td', { dir: 'auto' }, r.course),
            h('td', null, dateElement(r.completed_on)),
            h('td', null, trainingText(r)),
            h('td', null, deleteTraining(r)),
          ),
        ),
      ),
    );
  };

  const reloadTraining = (): void => {
    void loadInto(trainingList, trainingAlert, signal, () => adminApi.training(hubId, signal), trainingTable);
  };

  const recordAlert = new AlertRegion();
  const trainee = pseudonymInput('training-pseudonym');
  const course = h('input', { type: 'text', maxlength: 120, required: true, dir: 'auto', 'data-testid': 'training-course' });
  const completed = h('input', { type: 'date', required: true, max: todayIso(), 'data-testid': 'training-completed' });
  const expires = h('input', { type: 'date', required: true, 'data-testid': 'training-expires' });
  const record = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'training-add' }, t('adm.training.add'));
  const recordForm = h(
    'form',
    { class: 'form', novalidate: true, 'aria-labelledby': 'training-add-heading' },
    h('h3', { id: 'training-add-heading' }, t('adm.training.addHeading')),
    field({ label: t('adm.staff.pseudonym'), control: trainee, hint: t('adm.staff.pseudonym.hint') }),
    field({ label: t('adm.training.course'), control: course }),
    field({ label: t('adm.training.completedOn'), control: completed }),
    field({ label: t('adm.training.expiresOn'), control: expires, hint: t('adm.training.expiresOn.hint') }),
    recordAlert.el,
    h('div', { class: 'actions' }, record),
  );
  recordForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(record)) return;
    recordAlert.clear();
    trainingDone.clear();
    for (const c of [trainee, course, completed, expires]) setInvalid(c, false);
    const problems: { control: HTMLElement; text: string }[] = [];
    const name = trainee.value.trim();
    if (!PSEUDONYM.test(name)) {
      problems.push({ control: trainee, text: name === '' ? t('validation.required', { field: t('adm.staff.pseudonym') }) : t('validation.pseudonymFormat') });
    }
    if (course.value.trim() === '') problems.push({ control: course, text: t('validation.required', { field: t('adm.training.course') }) });
    if (completed.value === '') problems.push({ control: completed, text: t('validation.required', { field: t('adm.training.completedOn') }) });
    else if (completed.value > todayIso()) problems.push({ control: completed, text: t('adm.training.completedFuture') });
    if (expires.value === '') problems.push({ control: expires, text: t('validation.required', { field: t('adm.training.expiresOn') }) });
    else if (completed.value !== '' && expires.value <= completed.value) problems.push({ control: expires, text: t('adm.training.expiresBefore') });
    if (problems.length > 0) {
      for (const p of problems) setInvalid(p.control, true);
      recordAlert.show(problems.map((p) => p.text).join(' '));
      problems[0]?.control.focus();
      return;
    }
    const restore = busy(record, t('adm.training.adding'));
    try {
      const saved = await adminApi.addTraining(hubId, {
        pseudonym: name,
        course: course.value.trim(),
        completed_on: completed.value,
        expires_on: expires.value,
      });
      restore();
      trainee.value = '';
      course.value = '';
      completed.value = '';
      expires.value = '';
      trainingDone.show(t('adm.training.added', { name: saved.pseudonym }));
      reloadTraining();
      reloadStaff();
    } catch (err) {
      restore();
      recordAlert.show(describeError(err));
    }
  });

  reloadStaff();
  reloadTraining();
  return h(
    'div',
    null,
    section('staff-heading', t('adm.staff.heading'), h('p', null, t('adm.staff.intro')), alert.el, done.el, table, addForm),
    section(
      'training-heading',
      t('adm.training.heading'),
      h('p', null, t('adm.training.intro')),
      expiringNote,
      trainingAlert.el,
      trainingDone.el,
      trainingList,
      recordForm,
    ),
  );
}
