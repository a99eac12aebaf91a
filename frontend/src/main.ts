import './styles.css';

import { api, setUnauthenticatedHandler } from './api';
import { h, replaceChildren } from './dom';
import { pickCatalogue, t, tIsolated, useCatalogue } from './i18n';
import {
  currentPath,
  hrefFor,
  isReturnPath,
  match,
  navigate,
  route,
  setDocumentTitle,
  splitPath,
  withQuery,
  type Cleanup,
  type Route,
  type View,
} from './router';
import {
  canAdminister,
  canLeadSafeguarding,
  canSupervise,
  getUser,
  onUserChange,
  setFlash,
  setReturnPath,
  setUser,
} from './state';
import { accountView } from './views/account';
import { signInView, signUpView } from './views/auth';
import { forgotView, resetView } from './views/reset';
import { directoryView } from './views/directory';
import { groupView } from './views/group';
import { helpView } from './views/help';
import { privacyPageView } from './views/privacy_page';
import { inviteView } from './views/invite';
import { landingView } from './views/landing';
import { notFoundView } from './views/notFound';
import { spaceView } from './views/space';
import { roomView } from './views/room';
import { debriefView } from './views/debrief';
import { adoptAccountLanguage, languagePicker } from './views/language';

useCatalogue(pickCatalogue());

type StaffPages = typeof import('./views/staff_pages');

/**
 * A staff-only page, from the file fetched the first time one is opened (views/staff_pages.ts), so that a
 * member's first load carries none of them. The page says it is loading until the file has come, and says so
 * if it cannot come (offline, or a newer version deployed since this page loaded). Focus then moves to its
 * heading as render() moves it for the other pages, unless the person has moved it meanwhile.
 */
function later(pick: (pages: StaffPages) => View): View {
  return (ctx) => {
    let cleanup: Cleanup | null = null;
    ctx.main.append(h('p', { class: 'loading' }, t('app.loading')));
    import('./views/staff_pages').then(
      (pages) => {
        if (ctx.signal.aborted) return;
        const focusHeading = document.activeElement === ctx.main;
        ctx.main.replaceChildren();
        const done = pick(pages)(ctx);
        if (done) cleanup = done;
        if (focusHeading) focusMainHeading();
      },
      () => {
        if (!ctx.signal.aborted) replaceChildren(ctx.main, h('p', { role: 'alert' }, t('app.pageLoadFailed')));
      },
    );
    return () => cleanup?.();
  };
}

const routes: readonly Route[] = [
  route('landing', '/', landingView, true),
  route('help', '/help', helpView, 'anyone'),
  route('privacy', '/privacy', privacyPageView, 'anyone'),
  route('invite', '/invite/*token', inviteView),
  route('signin', '/signin', signInView, true),
  route('signup', '/signup', signUpView, true),
  route('forgot', '/forgot', forgotView, true),
  route('reset', '/reset/*token', resetView, 'anyone'),
  route('groups', '/groups', directoryView),
  route('group', '/groups/:id', groupView),
  route('room', '/rooms/:id', roomView),
  route('admin', '/admin', later((pages) => pages.adminView)),
  route('admin', '/admin/hubs/:id', later((pages) => pages.adminHubView)),
  route('admin', '/admin/groups/:id', later((pages) => pages.adminGroupView)),
  route('admin', '/admin/hubs/:id/safeguarding', later((pages) => pages.adminSafeguardingView)),
  route('safeguarding', '/safeguarding', later((pages) => pages.safeguardingView)),
  route('account', '/account', accountView),
  route('debrief', '/debrief/:sessionId', debriefView),
  route('supervision', '/supervision', later((pages) => pages.supervisionView)),
  route('space', '/space', spaceView),
];

// ---- The page frame -------------------------------------------------------------------------------

const main = h('main', { id: 'main-content', tabindex: '-1' });
const nav = h('nav', { 'aria-label': t('app.mainNav') });
const account = h('div', { class: 'account' });
const brand = h('a', { class: 'brand', href: hrefFor('/groups') }, h('span', { class: 'brand__mark', 'aria-hidden': 'true' }), t('app.name'));
// Crisis lines one step from every page, signed in or not, the room included (never hidden on small screens).
const helpLink = h('a', { class: 'help-link', href: hrefFor('/help'), 'data-testid': 'get-help' }, t('app.getHelp'));
const helpSlot = h('span', { class: 'help-slot' }, helpLink);
const header = h(
  'header',
  { class: 'site-header' },
  h(
    'div',
    { class: 'site-header__inner' },
    brand,
    helpSlot,
    nav,
    account,
  ),
);
// When the header has scrolled away (a long page, the room on a phone), the help link floats in a corner.
// Only the last entry says where the header is now: a busy page can be handed several at once (away, then
// back), and going by any of them left the link floating over a header that had come back into view.
new IntersectionObserver((entries) => {
  const latest = entries[entries.length - 1];
  const away = latest !== undefined && !latest.isIntersecting;
  if (away) {
    // Its place in the header is kept, so nothing there moves while it floats.
    helpSlot.style.minInlineSize = `${helpLink.offsetWidth}px`;
    helpSlot.style.minBlockSize = `${helpLink.offsetHeight}px`;
  }
  helpLink.classList.toggle('help-link--floating', away);
}).observe(header);
const skipLink = h('a', { class: 'skip-link', href: '#main-content' }, t('app.skipToContent'));
skipLink.addEventListener('click', (event) => {
  // Hash routing: don't let the skip link change the hash, just move focus.
  event.preventDefault();
  focusMainHeading();
});
const footer = h(
  'footer',
  { class: 'site-footer' },
  h(
    'p',
    null,
    t('app.footerNote'),
    ' ',
    t('app.footerHelp'),
    ' ',
    h('a', { href: hrefFor('/help'), 'data-testid': 'footer-help' }, t('app.footerHelpLink')),
    ' · ',
    h('a', { href: hrefFor('/privacy'), 'data-testid': 'footer-privacy' }, t('privacyPage.link')),
  ),
  languagePicker(),
);
const announcer = h('div', { id: 'announcer', class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });

const app = document.getElementById('app');
if (!app) throw new Error('#app missing from index.html');
replaceChildren(app, skipLink, header, main, footer, announcer);

function navLink(path: string, label: string, active: boolean): HTMLLIElement {
  return h('li', null, h('a', { href: hrefFor(path), 'aria-current': active ? 'page' : null }, label));
}

function renderHeader(routeName: string | null): void {
  const user = getUser();
  if (routeName === 'help') helpLink.setAttribute('aria-current', 'page');
  else helpLink.removeAttribute('aria-current');
  // The brand leads home: the groups once signed in, the front door before.
  brand.setAttribute('href', hrefFor(user ? '/groups' : '/'));
  const links: HTMLLIElement[] = [];
  if (user) {
    links.push(navLink('/groups', t('nav.groups'), routeName === 'groups' || routeName === 'group' || routeName === 'room'));
    if (canAdminister(user)) links.push(navLink('/admin', t('nav.admin'), routeName === 'admin'));
    if (canLeadSafeguarding(user)) links.push(navLink('/safeguarding', t('nav.safeguarding'), routeName === 'safeguarding'));
    if (canSupervise(user)) links.push(navLink('/supervision', t('nav.supervision'), routeName === 'supervision'));
    if (user.staff.some((s) => s.role === 'facilitator')) links.push(navLink('/space', t('nav.space'), routeName === 'space'));
    links.push(navLink('/account', t('nav.account'), routeName === 'account'));
  } else {
    links.push(navLink('/signin', t('nav.signIn'), routeName === 'signin'));
    links.push(navLink('/signup', t('nav.signUp'), routeName === 'signup'));
  }
  replaceChildren(nav, h('ul', null, links));

  if (!user) {
    replaceChildren(account);
    return;
  }
  const signOut = h('button', { type: 'button', class: 'button button--quiet' }, t('app.signOut'));
  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    signOut.textContent = t('app.signingOut');
    try {
      await api.signOut();
    } catch {
      // Signing out locally is what matters to the person; the cookie expires on its own.
    }
    setFlash(t('auth.signedOut'));
    setUser(null);
    navigate('/signin');
  });
  replaceChildren(account, h('p', { class: 'account__who' }, tIsolated('app.signedInAs', { name: user.pseudonym })), signOut);
}

function focusMainHeading(): void {
  const heading = main.querySelector<HTMLElement>('h1');
  const target = heading ?? main;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus();
}

// ---- Routing ------------------------------------------------------------------------------------

let current: { controller: AbortController; cleanup: Cleanup | null; routeName: string | null } | null = null;
let firstRender = true;

function teardown(): void {
  if (!current) return;
  current.controller.abort();
  try {
    current.cleanup?.();
  } finally {
    current = null;
  }
}

function render(): void {
  const full = currentPath();
  if (full === null) return; // not a route (e.g. an in-page anchor)
  const user = getUser();
  const { path, query } = splitPath(full);
  if (path === '') {
    navigate(user ? '/groups' : '/');
    return;
  }
  const found = match(routes, path);
  if (found && !found.route.public && !found.route.anyone && !user) {
    // Sign in first, then straight back here (the path rides along, so it survives a reload or sign-up).
    setReturnPath(full);
    navigate(withQuery('/signin', { next: full }));
    return;
  }
  if (found && found.route.public && user) {
    const next = query.get('next');
    navigate(isReturnPath(next) ? next : '/groups');
    return;
  }

  teardown();
  const controller = new AbortController();
  const routeName = found ? found.route.name : null;
  current = { controller, cleanup: null, routeName };
  renderHeader(routeName);
  main.replaceChildren();
  const view = found ? found.route.view : notFoundView;
  const cleanup = view({
    main,
    params: found ? found.params : {},
    text: found ? found.text : {},
    query,
    signal: controller.signal,
    setTitle: setDocumentTitle,
  });
  if (cleanup && current?.controller === controller) current.cleanup = cleanup;

  if (firstRender) firstRender = false;
  else focusMainHeading();
}

setUnauthenticatedHandler((reason) => {
  if (!getUser()) return;
  const path = currentPath();
  if (path) setReturnPath(path);
  setFlash(reason === 'signed_out' ? t('auth.signedOutElsewhere') : t('auth.sessionExpired'));
  setUser(null);
  navigate(isReturnPath(path) ? withQuery('/signin', { next: path }) : '/signin');
});

onUserChange((user) => {
  adoptAccountLanguage(user);
  renderHeader(current?.routeName ?? null);
});
window.addEventListener('hashchange', render);
window.addEventListener('pagehide', teardown);

async function start(): Promise<void> {
  main.replaceChildren(h('p', { class: 'loading' }, t('app.loading')));
  setDocumentTitle('');
  try {
    setUser(await api.me());
  } catch {
    setUser(null);
  }
  render();
}

void start();
