/** A group's members (remove one, after a confirmation) and its pending requests to join (approve, decline). */

import { describeError } from '../api';
import { adminApi } from '../api_admin';
import { confirmDialog } from '../dialog';
import { h } from '../dom';
import { AlertRegion, busy, isBusy, StatusRegion } from '../forms';
import { t } from '../i18n';
import type { GroupMember, JoinRequest } from '../types_admin';
import { listOrEmpty, loadInto, section, tWith, whenElement } from './admin_common';

export function membersSection(groupId: number, signal: AbortSignal): { el: HTMLElement; reload: () => void } {
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const list = h('div', null);

  const item = (member: GroupMember): HTMLLIElement => {
    const remove = h(
      'button',
      { type: 'button', class: 'button button--quiet', 'aria-label': t('adm.members.removeNamed', { name: member.pseudonym }) },
      t('adm.remove'),
    );
    remove.addEventListener('click', async () => {
      if (isBusy(remove)) return;
      alert.clear();
      done.clear();
      const sure = await confirmDialog(
        {
          title: t('adm.members.removeTitle', { name: member.pseudonym }),
          body: t('adm.members.removeBody'),
          confirmLabel: t('adm.remove'),
          cancelLabel: t('adm.cancel'),
          danger: true,
        },
        signal,
      );
      if (!sure) return;
      const restore = busy(remove, t('adm.removing'));
      try {
        await adminApi.removeMember(groupId, member.user_id);
        done.show(t('adm.members.removed', { name: member.pseudonym }));
        reload();
        list.focus();
      } catch (err) {
        restore();
        alert.show(describeError(err));
      }
    });
    const accepted = [t('adm.members.accepted', { version: member.agreement_version })];
    if (!member.current) accepted.push(`(${t('adm.members.outdated')})`);
    return h(
      'li',
      { class: 'admin-item', 'data-testid': 'member' },
      h('strong', { dir: 'auto' }, member.pseudonym),
      h('span', { class: 'meta' }, h('span', null, tWith('adm.members.joined', whenElement(member.joined_at))), h('span', null, accepted.join(' '))),
      remove,
    );
  };

  const reload = (): void => {
    void loadInto(list, alert, signal, () => adminApi.members(groupId, signal), (members) =>
      listOrEmpty(members.map(item), t('adm.members.empty'), { 'data-testid': 'members' }),
    );
  };
  list.tabIndex = -1;
  reload();
  return { el: section('members-heading', t('adm.members.heading'), alert.el, done.el, list), reload };
}

export function requestsSection(groupId: number, signal: AbortSignal, onDecided: () => void): HTMLElement {
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const list = h('div', { tabindex: '-1' });

  const item = (request: JoinRequest): HTMLLIElement => {
    const decide = (approve: boolean): HTMLButtonElement => {
      const button = h(
        'button',
        {
          type: 'button',
          class: approve ? 'button button--primary' : 'button button--quiet',
          'aria-label': t(approve ? 'adm.requests.approveNamed' : 'adm.requests.declineNamed', { name: request.pseudonym }),
        },
        t(approve ? 'adm.requests.approve' : 'adm.requests.decline'),
      );
      button.addEventListener('click', async () => {
        if (isBusy(button)) return;
        alert.clear();
        done.clear();
        const restore = busy(button, t('adm.saving'));
        try {
          await adminApi.decideJoinRequest(groupId, request.user_id, approve);
          done.show(t(approve ? 'adm.requests.approved' : 'adm.requests.declined', { name: request.pseudonym }));
          reload();
          list.focus();
          if (approve) onDecided();
        } catch (err) {
          restore();
          alert.show(describeError(err));
        }
      });
      return button;
    };
    return h(
      'li',
      { class: 'admin-item', 'data-testid': 'join-request' },
      h('strong', { dir: 'auto' }, request.pseudonym),
      h('span', { class: 'meta' }, tWith('adm.requests.asked', whenElement(request.requested_at))),
      h('span', { class: 'actions' }, decide(true), decide(false)),
    );
  };

  const reload = (): void => {
    void loadInto(list, alert, signal, () => adminApi.joinRequests(groupId, signal), (requests) =>
      listOrEmpty(
        requests.filter((r) => r.status === 'pending').map(item),
        t('adm.requests.empty'),
      ),
    );
  };
  reload();
  return section('requests-heading', t('adm.requests.heading'), alert.el, done.el, list);
}
