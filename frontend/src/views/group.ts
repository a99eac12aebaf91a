/** A group's page: description, agreement, joining (PUT membership), and the way into the room. */

import { api, ApiError, describeError, isAbort } from '../api';
import { append, h, replaceChildren } from '../dom';
import { AlertRegion, busy, isBusy, StatusRegion } from '../forms';
import { t } from '../i18n';
import { hrefFor, type ViewContext } from '../router';
import { getUser, takeFlash } from '../state';
import { localText } from '../time';
import type { Group } from '../types';
import { liveBadge } from './directory';

/**
 * Whether the signed-in person facilitates in this group's hub. `my_role` says "hub_admin" for a hub admin
 * even when they also facilitate there, so the user's own staff list is checked too.
 */
function isHubFacilitator(group: Group): boolean {
  if (group.my_role === 'facilitator') return true;
  const user = getUser();
  return user !== null && user.staff.some((s) => s.hub_id === group.hub.id && s.role === 'facilitator');
}

/**
 * Whether the server will let this person into the room: facilitators of the group's hub, and members who
 * have accepted the current agreement. Hub admins who do not facilitate join as members like anyone else.
 */
function mayEnterRoom(group: Group): boolean {
  return isHubFacilitator(group) || group.membership?.current === true;
}

function enterRoomLink(group: Group): HTMLAnchorElement {
  return h('a', { class: 'button button--primary', href: hrefFor(`/rooms/${group.id}`), 'data-testid': 'enter-room' }, t('group.enterRoom'));
}

export function groupView({ main, params, signal, setTitle }: ViewContext): void {
  const id = params.id ?? 0;
  setTitle(t('group.titleFallback'));
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

  function renderMembership(group: Group, justJoined = false): void {
    const parts: Node[] = [h('h2', { id: 'join-heading' }, t('group.joinHeading'))];
    const current = group.membership?.current === true;
    const facilitator = isHubFacilitator(group);
    const hubAdmin = group.my_role === 'hub_admin';
    if (facilitator) {
      // Facilitators enter any room of their hub; joining as a member would only confuse the choice.
      parts.push(h('p', null, hubAdmin ? [t('group.roleHubAdmin'), ' '] : null, t('group.facilitatorEnters')));
      parts.push(joinStatus.el);
      parts.push(h('p', { class: 'actions' }, enterRoomLink(group)));
      replaceChildren(membershipSection, parts);
      return;
    }
    if (hubAdmin) {
      parts.push(h('p', null, t('group.roleHubAdmin'), current ? null : [' ', t('group.hubAdminNote')]));
    }
    if (current) {
      if (!justJoined) parts.push(h('p', null, t('group.isMember')));
      parts.push(joinStatus.el);
      parts.push(h('p', { class: 'actions' }, enterRoomLink(group)));
      replaceChildren(membershipSection, parts);
      return;
    }

    const outdated = group.membership !== null && !group.membership.current;
    const joinAlert = new AlertRegion();
    const checkbox = h('input', {
      type: 'checkbox',
      id: 'agreement-accept',
      name: 'agreement-accept',
      'data-testid': 'agreement-accept',
    });
    const submit = h(
      'button',
      { type: 'submit', class: 'button button--primary', 'data-testid': 'join-group' },
      outdated ? t('group.rejoin') : t('group.join'),
    );
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
      const restore = busy(submit, t('group.joining'));
      try {
        const updated = await api.joinGroup(group.id, group.agreement_version);
        if (signal.aborted) return;
        showGroup(updated, true);
        joinStatus.show(t('group.joined', { name: updated.name }));
        membershipSection.querySelector<HTMLElement>('[data-testid="enter-room"]')?.focus();
      } catch (err) {
        if (signal.aborted) return;
        restore();
        if (err instanceof ApiError && err.code === 'agreement_outdated') {
          // Someone changed the agreement while it was being read: show the new text.
          try {
            const fresh = await api.group(group.id, signal);
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
    });

    parts.push(h('p', null, outdated ? t('group.agreementChanged') : t('group.notMember')));
    parts.push(form);
    if (mayEnterRoom(group)) parts.push(h('p', { class: 'actions' }, enterRoomLink(group)));
    replaceChildren(membershipSection, parts);
  }

  function showGroup(group: Group, justJoined = false): void {
    heading.textContent = group.name;
    setTitle(group.name);
    body.removeAttribute('aria-busy');
    const live = group.session?.status === 'live';
    const scheduledFor = group.session?.status === 'scheduled' ? group.session.scheduled_for : null;
    const hubLine = group.hub.locality
      ? t('groups.hubWithLocality', { hub: group.hub.name, locality: group.hub.locality })
      : t('groups.hub', { hub: group.hub.name });

    replaceChildren(
      body,
      h(
        'p',
        { class: 'meta' },
        h('span', null, hubLine),
        live ? liveBadge() : null,
        scheduledFor ? h('span', null, t('groups.nextSession', { time: localText(scheduledFor) })) : null,
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'about-heading' },
        h('h2', { id: 'about-heading' }, t('group.about')),
        group.description
          ? h('p', { class: 'prewrap' }, group.description)
          : h('p', { class: 'muted' }, t('group.noDescription')),
      ),
      h(
        'section',
        { class: 'panel panel--agreement', 'aria-labelledby': 'agreement-heading' },
        h('h2', { id: 'agreement-heading', tabindex: '-1' }, t('group.agreement')),
        h('p', { class: 'muted' }, t('group.agreementVersion', { version: group.agreement_version })),
        h('div', { class: 'agreement prewrap', 'data-testid': 'agreement' }, group.agreement),
      ),
      membershipSection,
    );
    renderMembership(group, justJoined);
  }

  api
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
