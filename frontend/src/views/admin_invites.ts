/**
 * Invitation links: make one (optionally expiring), shown once with a copy button since the server keeps
 * only a digest of its token; list them; revoke one.
 */

import { describeError } from '../api';
import { adminApi } from '../api_admin';
import { confirmDialog } from '../dialog';
import { announce, h } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t, tCount } from '../i18n';
import { hrefFor } from '../router';
import { parseServerTime } from '../time';
import type { Invitation } from '../types_admin';
import { inZone, listOrEmpty, loadInto, section, todayIso, tWith, whenElement } from './admin_common';

/** The address someone opens to join (hash routing, like every other page of the app). */
export function invitationLink(token: string): string {
  return `${window.location.origin}/${hrefFor(`/invite/${token}`)}`;
}

/** The end of `date` (YYYY-MM-DD) in the viewer's zone, as a UTC ISO time. */
function endOfDay(date: string): string | null {
  const end = new Date(`${date}T23:59:00`);
  return Number.isNaN(end.getTime()) ? null : end.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function invitationsSection(groupId: number, signal: AbortSignal): HTMLElement {
  const alert = new AlertRegion();
  const done = new StatusRegion('notice--success');
  const made = h('div', { 'data-testid': 'invitation-made' });
  const list = h('div', { tabindex: '-1' });
  const expiry = h('input', { type: 'date', min: todayIso(), max: todayIso(89), 'data-testid': 'invitation-expiry' });
  const create = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'invitation-create' }, t('adm.invites.create'));
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    field({ label: t('adm.invites.expiry'), control: expiry, hint: t('adm.invites.expiry.hint') }),
    h('div', { class: 'actions' }, create),
  );

  const showLink = (token: string): void => {
    const link = invitationLink(token);
    const input = h('input', { type: 'text', readonly: true, value: link, 'data-testid': 'invitation-link', class: 'invite-link' });
    const copy = h('button', { type: 'button', class: 'button', 'data-testid': 'invitation-copy' }, t('adm.invites.copy'));
    const copied = new StatusRegion();
    copy.addEventListener('click', async () => {
      copied.clear();
      try {
        await navigator.clipboard.writeText(link);
        copied.show(t('adm.invites.copied'));
      } catch {
        input.focus();
        input.select();
        copied.show(t('adm.invites.copyFailed'));
      }
    });
    made.replaceChildren(
      h(
        'div',
        { class: 'panel invite-panel' },
        h('p', null, h('strong', null, t('adm.invites.linkOnce'))),
        field({ label: t('adm.invites.linkLabel'), control: input }),
        h('div', { class: 'actions' }, copy),
        copied.el,
      ),
    );
    input.addEventListener('focus', () => input.select());
    copy.focus();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(create)) return;
    alert.clear();
    done.clear();
    setInvalid(expiry, false);
    let expiresAt: string | null = null;
    if (expiry.value !== '') {
      expiresAt = endOfDay(expiry.value);
      if (expiresAt === null || expiry.value < todayIso() || expiry.value > todayIso(89)) {
        setInvalid(expiry, true);
        alert.show(t('adm.invites.expiryRange'));
        expiry.focus();
        return;
      }
    }
    const restore = busy(create, t('adm.invites.creating'));
    try {
      const answer = await adminApi.createInvitation(groupId, expiresAt);
      restore();
      expiry.value = '';
      showLink(answer.token);
      reload();
    } catch (err) {
      restore();
      alert.show(describeError(err));
    }
  });

  const item = (invitation: Invitation): HTMLLIElement => {
    const created = parseServerTime(invitation.created_at);
    const createdText = created ? inZone(created) : invitation.created_at;
    const expires = invitation.expires_at ? parseServerTime(invitation.expires_at) : null;
    const expired = expires !== null && expires.getTime() <= Date.now();
    const parts: (Node | string)[] = [h('span', null, tWith('adm.invites.item', whenElement(invitation.created_at)))];
    parts.push(
      h('span', null, invitation.expires_at ? tWith('adm.invites.expires', whenElement(invitation.expires_at)) : t('adm.invites.never')),
      h('span', null, tCount(invitation.uses, { one: 'adm.invites.uses.one', other: 'adm.invites.uses.other' })),
    );
    const badges: HTMLElement[] = [];
    if (invitation.revoked_at) {
      badges.push(h('span', { class: 'badge' }, t('adm.invites.revokedBadge')));
      parts.push(h('span', null, tWith('adm.invites.revokedAt', whenElement(invitation.revoked_at))));
    } else if (expired) {
      badges.push(h('span', { class: 'badge' }, t('adm.invites.expiredBadge')));
    }
    const children: (Node | string)[] = [...badges, h('span', { class: 'meta' }, parts)];
    if (!invitation.revoked_at && !expired) {
      const revoke = h(
        'button',
        {
          type: 'button',
          class: 'button button--quiet',
          'aria-label': t('adm.invites.revokeNamed', { when: createdText }),
          'data-testid': 'invitation-revoke',
        },
        t('adm.invites.revoke'),
      );
      revoke.addEventListener('click', async () => {
        if (isBusy(revoke)) return;
        alert.clear();
        done.clear();
        const sure = await confirmDialog(
          {
            title: t('adm.invites.revokeTitle'),
            body: t('adm.invites.revokeBody'),
            confirmLabel: t('adm.invites.revoke'),
            cancelLabel: t('adm.cancel'),
            danger: true,
          },
          signal,
        );
        if (!sure) return;
        const restore = busy(revoke, t('adm.saving'));
        try {
          await adminApi.revokeInvitation(groupId, invitation.id);
          done.show(t('adm.invites.revoked'));
          announce(t('adm.invites.revoked'));
          made.replaceChildren();
          reload();
          list.focus();
        } catch (err) {
          restore();
          alert.show(describeError(err));
        }
      });
      children.push(revoke);
    }
    return h('li', { class: 'admin-item', 'data-testid': 'invitation', 'data-state': invitation.revoked_at ? 'revoked' : expired ? 'expired' : 'active' }, children);
  };

  const listAlert = new AlertRegion();
  const reload = (): void => {
    void loadInto(list, listAlert, signal, () => adminApi.invitations(groupId, signal), (invitations) =>
      listOrEmpty(invitations.map(item), t('adm.invites.empty'), { 'data-testid': 'invitations' }),
    );
  };
  reload();
  return section(
    'invitations-heading',
    t('adm.invites.heading'),
    h('p', null, t('adm.invites.intro')),
    form,
    alert.el,
    made,
    done.el,
    listAlert.el,
    list,
  );
}
