/**
 * A group's members (remove one, after a confirmation; issue a one-time password reset link, shown once with a
 * copy button) and its pending requests to join (approve, decline).
 */

import { describeError } from '../api';
import { adminApi } from '../api_admin';
import { recoveryApi, type StaffResetLink } from '../api_recovery';
import { confirmDialog } from '../dialog';
import { h } from '../dom';
import { AlertRegion, busy, field, isBusy, StatusRegion } from '../forms';
import { t } from '../i18n';
import { localText } from '../time';
import type { GroupMember, JoinRequest } from '../types_admin';
import { listOrEmpty, loadInto, section, tWith, whenElement } from './admin_common';

/** The reset link just issued, once, with a copy button (the server keeps only its hash). */
function resetLinkPanel(issued: StaffResetLink): HTMLElement {
  const input = h('input', { type: 'text', readonly: true, value: issued.link, 'data-testid': 'reset-link', class: 'invite-link' });
  const copy = h('button', { type: 'button', class: 'button', 'data-testid': 'reset-link-copy' }, t('recovery.copy'));
  const copied = new StatusRegion();
  copy.addEventListener('click', async () => {
    copied.clear();
    try {
      await navigator.clipboard.writeText(issued.link);
      copied.show(t('recovery.copied'));
    } catch {
      input.focus();
      input.select();
      copied.show(t('recovery.copyFailed'));
    }
  });
  input.addEventListener('focus', () => input.select());
  return h(
    'div',
    { class: 'panel invite-panel', 'data-testid': 'reset-link-panel' },
    h('p', null, h('strong', null, t('recovery.linkOnce', { name: issued.pseudonym, until: localText(issued.expires_at) }))),
    field({ label: t('recovery.linkLabel', { name: issued.pseudonym }), control: input }),
    h('div', { class: 'actions' }, copy),
    copied.el,
  );
}

/** `hubId`: the group's hub; its admins may issue a member a password reset link. */
export function membersSection(groupId: number, signal: AbortSignal, hubId?: number): { el: HTMLElement; reload: () => void } {
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const list = h('div', null);
  const issuedPanel = h('div', { 'data-testid': 'reset-link-made' });

  const resetButton = (member: GroupMember): HTMLButtonElement | null => {
    if (hubId === undefined) return null;
    const button = h(
      'button',
      { type: 'button', class: 'button button--quiet', 'aria-label': t('recovery.issueNamed', { name: member.pseudonym }), 'data-testid': 'reset-issue' },
      t('recovery.issue'),
    );
    button.addEventListener('click', async () => {
      if (isBusy(button)) return;
      alert.clear();
      done.clear();
      issuedPanel.replaceChildren();
      const sure = await confirmDialog(
        {
          title: t('recovery.issueTitle', { name: member.pseudonym }),
          body: t('recovery.issueBody', { name: member.pseudonym }),
          confirmLabel: t('recovery.issue'),
          cancelLabel: t('adm.cancel'),
        },
        signal,
      );
      if (!sure) return;
      const restore = busy(button, t('recovery.issuing'));
      try {
        const issued = await recoveryApi.issueLink(hubId, member.user_id);
        restore();
        issuedPanel.replaceChildren(resetLinkPanel(issued));
        issuedPanel.querySelector<HTMLButtonElement>('[data-testid="reset-link-copy"]')?.focus();
      } catch (err) {
        restore();
        alert.show(describeError(err));
      }
    });
    return button;
  };

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
      h('span', { class: 'actions' }, resetButton(member), remove),
    );
  };

  const reload = (): void => {
    void loadInto(list, alert, signal, () => adminApi.members(groupId, signal), (members) =>
      listOrEmpty(members.map(item), t('adm.members.empty'), { 'data-testid': 'members' }),
    );
  };
  list.tabIndex = -1;
  reload();
  return { el: section('members-heading', t('adm.members.heading'), alert.el, done.el, issuedPanel, list), reload };
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
