/**
 * The privacy notice and terms (#/privacy, for anyone): what sign-up asks people to accept, readable before
 * they decide to join, and linked from the front door and every page's footer.
 */

import { describeError, isAbort } from '../api';
import { privacyApi } from '../api_privacy';
import { append, h, replaceChildren } from '../dom';
import { AlertRegion } from '../forms';
import { t } from '../i18n';
import { type ViewContext } from '../router';

export function privacyPageView({ main, signal, setTitle }: ViewContext): void {
  setTitle(t('privacyPage.title'));
  const alert = new AlertRegion();
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, t('app.loading')));
  append(main, h('h1', null, t('privacyPage.title')), h('p', { class: 'lead' }, t('privacyPage.intro')), alert.el, body);
  privacyApi
    .notices(signal)
    .then((notices) => {
      if (signal.aborted) return;
      body.removeAttribute('aria-busy');
      replaceChildren(
        body,
        h('p', { class: 'muted', 'data-testid': 'notices-version' }, t('privacyPage.version', { version: notices.version })),
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'privacy-notice-heading' },
          h('h2', { id: 'privacy-notice-heading' }, t('privacyPage.notice')),
          // The hub's own words, shown as text in their own direction.
          h('p', { class: 'prewrap', dir: 'auto', 'data-testid': 'privacy-notice' }, notices.privacy_notice),
        ),
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'terms-heading' },
          h('h2', { id: 'terms-heading' }, t('privacyPage.terms')),
          h('p', { class: 'prewrap', dir: 'auto', 'data-testid': 'terms' }, notices.terms),
        ),
      );
    })
    .catch((err: unknown) => {
      if (isAbort(err) || signal.aborted) return;
      body.removeAttribute('aria-busy');
      body.replaceChildren();
      alert.show(describeError(err));
    });
}
