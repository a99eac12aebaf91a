/** An invitation link (#/invite/<token>, signed in): the group it is to, its agreement, and a join button. */

import { ApiError, describeError, isAbort } from '../api';
import { memberApi } from '../api_member';
import { append, h, replaceChildren } from '../dom';
import { AlertRegion, busy, isBusy } from '../forms';
import { t, tIsolated } from '../i18n';
import { hrefFor, navigate, type ViewContext } from '../router';
import { setFlash } from '../state';
import type { InvitedGroup } from '../types_member';

export function inviteView({ main, text, signal, setTitle }: ViewContext): void {
  const token = text.token ?? '';
  setTitle(t('invite.title'));
  const heading = h('h1', null, t('invite.title'));
  const alert = new AlertRegion();
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, t('app.loading')));
  append(main, heading, alert.el, body);

  function show(group: InvitedGroup): void {
    // The group's name isolated in the sentence (tIsolated): its direction is its own, the heading's the page's.
    replaceChildren(heading, tIsolated('invite.heading', { name: group.name }));
    setTitle(group.name);
    body.removeAttribute('aria-busy');
    const hubLine = group.hub.locality
      ? tIsolated('groups.hubWithLocality', { hub: group.hub.name, locality: group.hub.locality })
      : tIsolated('groups.hub', { hub: group.hub.name });
    const parts: Node[] = [
      h('p', { class: 'meta' }, hubLine),
      h('p', { class: 'lead' }, t('invite.intro')),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'about-heading' },
        h('h2', { id: 'about-heading' }, t('group.about')),
        group.description ? h('p', { class: 'prewrap', dir: 'auto' }, group.description) : h('p', { class: 'muted' }, t('group.noDescription')),
      ),
      h(
        'section',
        { class: 'panel panel--agreement', 'aria-labelledby': 'agreement-heading' },
        h('h2', { id: 'agreement-heading', tabindex: '-1' }, t('group.agreement')),
        h('p', { class: 'muted' }, t('group.agreementVersion', { version: group.agreement_version })),
        h('div', { class: 'agreement prewrap', 'data-testid': 'agreement', dir: 'auto' }, group.agreement),
      ),
    ];
    if (group.archived) {
      parts.push(h('p', { class: 'notice' }, t('group.archived')));
      replaceChildren(body, parts);
      return;
    }
    const joinAlert = new AlertRegion();
    const checkbox = h('input', { type: 'checkbox', id: 'agreement-accept', name: 'agreement-accept', 'data-testid': 'agreement-accept' });
    const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'accept-invitation' }, t('group.join'));
    const form = h(
      'form',
      { class: 'form form--join', novalidate: true, 'aria-labelledby': 'invite-join-heading' },
      h('h2', { id: 'invite-join-heading' }, t('group.joinHeading')),
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
        const joined = await memberApi.acceptInvitation(token, group.agreement_version);
        if (signal.aborted) return;
        setFlash(t('group.joined', { name: joined.name }));
        navigate(`/groups/${joined.id}`);
      } catch (err) {
        if (signal.aborted) return;
        restore();
        if (err instanceof ApiError && err.code === 'agreement_outdated') {
          // The agreement changed while it was being read: show the new text to read again.
          void load(t('group.agreementOutdated'));
          return;
        }
        joinAlert.show(describeError(err));
      }
    });
    parts.push(form);
    replaceChildren(body, parts);
  }

  async function load(note?: string): Promise<void> {
    try {
      const group = await memberApi.invitation(token, signal);
      if (signal.aborted) return;
      show(group);
      if (note) {
        alert.show(note);
        document.getElementById('agreement-heading')?.focus();
      }
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      body.removeAttribute('aria-busy');
      replaceChildren(body, h('p', null, h('a', { href: hrefFor('/groups') }, t('group.backToGroups'))));
      alert.show(describeError(err));
    }
  }

  void load();
}
