/**
 * A group's page: when it next meets (and a calendar feed), its tags, description and agreement; joining
 * (open, by request, by invitation, within its capacity), leaving, and the way into the room.
 */

import { ApiError, describeError, isAbort } from '../api';
import { memberApi } from '../api_member';
import { confirmDialog } from '../dialog';
import { append, h, replaceChildren } from '../dom';
import { AlertRegion, busy, isBusy, StatusRegion } from '../forms';
import { t, tCount } from '../i18n';
import { whenSentence } from '../meetings';
import { hrefFor, type ViewContext } from '../router';
import { getUser, takeFlash } from '../state';
import type { Group } from '../types';
import type { GroupDetails } from '../types_member';
import { liveBadge, tagList } from './directory';

/**
 * Whether the signed-in person facilitates in this group's hub. `my_role` says "hub_admin" for a hub admin
 * even when they also facilitate there, so the user's own staff list is checked too.
 */
function isHubFacilitator(group: Group): boolean {
  if (group.my_role === 'facilitator') return true;
  const user = getUser();
  return user !== null && user.staff.some((s) => s.hub_id === group.hub.id && s.role === 'facilitator');
}

function enterRoomLink(group: Group): HTMLAnchorElement {
  return h('a', { class: 'button button--primary', href: hrefFor(`/rooms/${group.id}`), 'data-testid': 'enter-room' }, t('group.enterRoom'));
}

/** Whether a newcomer would be refused for want of room (members renew whatever the count). */
function isFull(group: GroupDetails): boolean {
  return group.capacity !== null && group.member_count >= group.capacity;
}

/** "This group next meets on …": said wherever someone may arrive after a session has ended. */
export function nextMeeting(group: Pick<GroupDetails, 'next_session'>): HTMLParagraphElement {
  if (!group.next_session) return h('p', { class: 'muted', 'data-testid': 'next-session' }, t('meeting.noneScheduled'));
  return h('p', { 'data-testid': 'next-session' }, whenSentence('meeting.nextMeetsOn', group.next_session.starts_at));
}

/** The agreement checkbox and one submit button, as a form; `onAccept` runs once the box is ticked. */
function agreementForm(
  submitLabel: string,
  testid: string,
  onAccept: (submit: HTMLButtonElement, alert: AlertRegion) => Promise<void>,
): HTMLFormElement {
  const joinAlert = new AlertRegion();
  const checkbox = h('input', { type: 'checkbox', id: 'agreement-accept', name: 'agreement-accept', 'data-testid': 'agreement-accept' });
  const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': testid }, submitLabel);
  const form = h(
    'form',
    { class: 'form form--join', novalidate: true },
    h('div', { class: 'checkbox' }, checkbox, h('label', { for: 'agreement-accept' }, t('group.accept'))),
    joinAlert.el,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(submit)) return;
    joinAlert.clear();
    if (!checkbox.checked) {
      checkbox.setAttribute('aria-invalid', 'true');
      joinAlert.show(t('group.acceptRequired'));
      checkbox.focus();
      return;
    }
    checkbox.removeAttribute('aria-invalid');
    await onAccept(submit, joinAlert);
  });
  return form;
}

export function groupView({ main, params, signal, setTitle }: ViewContext): void {
  const id = params.id ?? 0;
  setTitle(t('group.titleFallback'));
  // The heading keeps the page's start; the group's name inside it reads in its own direction.
  const heading = h('h1', null, t('group.titleFallback'));
  const alert = new AlertRegion();
  const notice = new StatusRegion();
  const flash = takeFlash(); // e.g. why the room was left
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, t('app.loading')));
  append(
    main,
    h('p', { class: 'breadcrumb' }, h('a', { href: hrefFor('/groups') }, t('group.backToGroups'))),
    heading,
    alert.el,
    notice.el,
    body,
  );
  if (flash) notice.show(flash);

  const membershipSection = h('section', { class: 'panel', 'aria-labelledby': 'join-heading' });
  const joinStatus = new StatusRegion('notice--success');

  function focusJoinHeading(): void {
    membershipSection.querySelector<HTMLElement>('#join-heading')?.focus();
  }

  function leaveButton(group: GroupDetails): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'button button--danger', 'data-testid': 'leave-group' }, t('group.leave'));
    button.addEventListener('click', async () => {
      if (isBusy(button)) return;
      const sure = await confirmDialog(
        {
          title: t('group.leaveConfirmTitle', { name: group.name }),
          body: group.joining === 'open' ? t('group.leaveConfirmBody') : t('group.leaveConfirmBodyClosed'),
          confirmLabel: t('group.leave'),
          cancelLabel: t('group.leaveCancel'),
          danger: true,
        },
        signal,
      );
      if (!sure || signal.aborted) return;
      const restore = busy(button, t('group.leaving'));
      try {
        await memberApi.leave(group.id);
        const fresh = await memberApi.group(group.id, signal);
        if (signal.aborted) return;
        showGroup(fresh);
        joinStatus.show(t('group.left', { name: group.name }));
        focusJoinHeading();
      } catch (err) {
        if (isAbort(err) || signal.aborted) return;
        restore();
        alert.show(describeError(err));
      }
    });
    return button;
  }

  async function accept(group: GroupDetails, submit: HTMLButtonElement, joinAlert: AlertRegion): Promise<void> {
    const restore = busy(submit, group.joining === 'request' && !group.membership ? t('group.asking') : t('group.joining'));
    try {
      const outcome = await memberApi.join(group.id, group.agreement_version);
      if (signal.aborted) return;
      if ('request' in outcome) {
        showGroup({ ...group, join_request: { status: 'pending' } });
        joinStatus.show(t('group.requestSent'));
        focusJoinHeading();
        return;
      }
      showGroup(outcome.group, true);
      joinStatus.show(t('group.joined', { name: outcome.group.name }));
      membershipSection.querySelector<HTMLElement>('[data-testid="enter-room"]')?.focus();
    } catch (err) {
      if (signal.aborted) return;
      restore();
      if (err instanceof ApiError && err.code === 'agreement_outdated') {
        // Someone changed the agreement while it was being read: show the new text.
        try {
          const fresh = await memberApi.group(group.id, signal);
          showGroup(fresh);
          const again = new AlertRegion();
          membershipSection.querySelector('form')?.prepend(again.el);
          again.show(t('group.agreementOutdated'));
          document.getElementById('agreement-heading')?.focus();
        } catch (inner) {
          if (!isAbort(inner)) joinAlert.show(describeError(inner));
        }
        return;
      }
      joinAlert.show(describeError(err));
    }
  }

  function renderMembership(group: GroupDetails, justJoined = false): void {
    const parts: Node[] = [h('h2', { id: 'join-heading', tabindex: '-1' }, t('group.joinHeading'))];
    const current = group.membership?.current === true;
    const facilitator = isHubFacilitator(group);
    const hubAdmin = group.my_role === 'hub_admin';
    if (facilitator) {
      // Facilitators enter any room of their hub; joining as a member would only confuse the choice.
      parts.push(h('p', null, hubAdmin ? [t('group.roleHubAdmin'), ' '] : null, t('group.facilitatorEnters')));
      parts.push(joinStatus.el);
      parts.push(h('p', { class: 'actions' }, enterRoomLink(group), group.membership ? leaveButton(group) : null));
      replaceChildren(membershipSection, parts);
      return;
    }
    if (hubAdmin) {
      parts.push(h('p', null, t('group.roleHubAdmin'), current ? null : [' ', t('group.hubAdminNote')]));
    }
    if (current) {
      if (!justJoined) parts.push(h('p', null, t('group.isMember')));
      parts.push(joinStatus.el);
      parts.push(h('p', { class: 'actions' }, enterRoomLink(group), leaveButton(group)));
      replaceChildren(membershipSection, parts);
      return;
    }
    parts.push(joinStatus.el);

    if (group.membership !== null) {
      // A member whose accepted agreement is no longer the current one: accept it again, or leave.
      parts.push(h('p', null, t('group.agreementChanged')));
      parts.push(agreementForm(t('group.rejoin'), 'join-group', (submit, a) => accept(group, submit, a)));
      parts.push(h('p', { class: 'actions' }, leaveButton(group)));
      replaceChildren(membershipSection, parts);
      return;
    }

    const pending = group.join_request?.status === 'pending';
    if (group.archived) {
      parts.push(h('p', { 'data-testid': 'join-closed' }, t('group.archived')));
    } else if (group.joining === 'invitation') {
      parts.push(h('p', { 'data-testid': 'join-closed' }, t('group.invitationOnly')));
    } else if (pending) {
      parts.push(h('p', { class: 'notice', 'data-testid': 'request-pending' }, t('group.requestPending')));
    } else if (isFull(group)) {
      parts.push(h('p', { 'data-testid': 'join-closed' }, t('group.full')));
    } else if (group.joining === 'request') {
      if (group.join_request?.status === 'declined') parts.push(h('p', null, t('group.requestDeclined')));
      parts.push(h('p', null, t('group.requestIntro')));
      parts.push(agreementForm(t('group.askToJoin'), 'join-group', (submit, a) => accept(group, submit, a)));
    } else {
      parts.push(h('p', null, t('group.notMember')));
      parts.push(agreementForm(t('group.join'), 'join-group', (submit, a) => accept(group, submit, a)));
    }
    replaceChildren(membershipSection, parts);
  }

  function showGroup(group: GroupDetails, justJoined = false): void {
    heading.replaceChildren(h('span', { dir: 'auto' }, group.name));
    setTitle(group.name);
    body.removeAttribute('aria-busy');
    const live = group.session?.status === 'live' || group.session?.status === 'paused';
    const hubLine = group.hub.locality
      ? t('groups.hubWithLocality', { hub: group.hub.name, locality: group.hub.locality })
      : t('groups.hub', { hub: group.hub.name });

    replaceChildren(
      body,
      h('p', { class: 'meta' }, h('span', { dir: 'auto' }, hubLine), live ? liveBadge() : null),
      tagList(group.tags),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'when-heading' },
        h('h2', { id: 'when-heading' }, t('group.when')),
        live ? h('p', null, t('group.liveNow')) : null,
        nextMeeting(group),
        h(
          'p',
          null,
          h(
            'a',
            { href: memberApi.calendarUrl(group.id), download: `group-${group.id}.ics`, 'data-testid': 'calendar-link', 'aria-describedby': 'calendar-hint' },
            t('group.addToCalendar'),
          ),
        ),
        h('p', { id: 'calendar-hint', class: 'hint' }, t('group.calendarHint')),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'about-heading' },
        h('h2', { id: 'about-heading' }, t('group.about')),
        group.description
          ? h('p', { class: 'prewrap', dir: 'auto' }, group.description)
          : h('p', { class: 'muted' }, t('group.noDescription')),
        // How long what is said here is kept (docs/privacy.md), told before anyone joins.
        h('p', { 'data-testid': 'group-retention' }, tCount(group.retention_days, { one: 'group.retention.one', other: 'group.retention.other' })),
      ),
      h(
        'section',
        { class: 'panel panel--agreement', 'aria-labelledby': 'agreement-heading' },
        h('h2', { id: 'agreement-heading', tabindex: '-1' }, t('group.agreement')),
        h('p', { class: 'muted' }, t('group.agreementVersion', { version: group.agreement_version })),
        h('div', { class: 'agreement prewrap', 'data-testid': 'agreement', dir: 'auto' }, group.agreement),
      ),
      membershipSection,
    );
    renderMembership(group, justJoined);
  }

  memberApi
    .group(id, signal)
    .then((group) => {
      if (!signal.aborted) showGroup(group);
    })
    .catch((err: unknown) => {
      if (isAbort(err) || signal.aborted) return;
      body.removeAttribute('aria-busy');
      body.replaceChildren();
      alert.show(describeError(err));
    });
}
