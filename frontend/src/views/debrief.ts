/**
 * A facilitator's debrief after a session (/debrief/:sessionId): three questions, for supervision only. Shown
 * after ending a session in the room, and from the "Debrief waiting" notice. Once it has been discussed in
 * supervision it is shown, read-only.
 */

import { ApiError, describeError, isAbort } from '../api';
import { supervisionApi, type Debrief, type DebriefFields, type DebriefSession } from '../api_supervision';
import { append, h, replaceChildren } from '../dom';
import { AlertRegion, busy, field, isBusy, setInvalid, StatusRegion } from '../forms';
import { t, tIsolated, type MessageKey } from '../i18n';
import { hrefFor, type ViewContext } from '../router';
import { timeElement } from '../time';

const MAX = 4000;

interface Question {
  name: keyof DebriefFields;
  label: MessageKey;
  hint: MessageKey;
}

const QUESTIONS: readonly Question[] = [
  { name: 'how_it_went', label: 'sup.debrief.howItWent', hint: 'sup.debrief.howItWent.hint' },
  { name: 'follow_up', label: 'sup.debrief.followUp', hint: 'sup.debrief.followUp.hint' },
  { name: 'wellbeing', label: 'sup.debrief.wellbeing', hint: 'sup.debrief.wellbeing.hint' },
];

/** Which session, and when: "Session of Thursday evening circle · 19:00 – 20:30". */
export function sessionLine(session: DebriefSession): HTMLParagraphElement {
  const start = session.opened_at ? timeElement(session.opened_at) : null;
  const end = session.ended_at ? timeElement(session.ended_at) : null;
  return h(
    'p',
    { class: 'meta', 'data-testid': 'debrief-session' },
    h('span', null, tIsolated('sup.debrief.sessionOf', { group: session.group_name })),
    start ? [' · ', start] : null,
    end ? [' – ', end] : null,
  );
}

function readOnly(debrief: Debrief): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'debrief-read-heading' },
    h('h2', { id: 'debrief-read-heading', class: 'visually-hidden' }, t('sup.debrief.title')),
    h('p', { class: 'notice' }, t('sup.debrief.discussedNote')),
    QUESTIONS.map((q) =>
      h(
        'div',
        { class: 'field' },
        h('h3', null, t(q.label)),
        h('p', { class: 'prewrap', dir: 'auto' }, debrief[q.name] || t('sup.debrief.empty')),
      ),
    ),
  );
}

export function debriefView({ main, params, signal, setTitle }: ViewContext): void {
  setTitle(t('sup.debrief.title'));
  const sessionId = params.sessionId ?? 0;
  const alert = new AlertRegion();
  const about = h('div', null);
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'loading' }, t('app.loading')));
  append(
    main,
    h('h1', null, t('sup.debrief.heading')),
    about,
    h('p', { class: 'lead', 'data-testid': 'debrief-intro' }, t('sup.debrief.intro')),
    alert.el,
    body,
  );

  const mine = supervisionApi.myDebrief(sessionId, signal).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  });
  const pending = supervisionApi.pending(signal).catch(() => [] as DebriefSession[]);
  Promise.all([mine, pending])
    .then(([debrief, waiting]) => {
      if (signal.aborted) return;
      body.removeAttribute('aria-busy');
      const session = debrief?.session ?? waiting.find((s) => s.id === sessionId);
      if (session) replaceChildren(about, sessionLine(session));
      if (debrief?.discussed_at) replaceChildren(body, readOnly(debrief));
      else replaceChildren(body, form(debrief));
    })
    .catch((err: unknown) => {
      if (isAbort(err) || signal.aborted) return;
      body.removeAttribute('aria-busy');
      body.replaceChildren();
      alert.show(describeError(err));
    });

  function form(existing: Debrief | null): HTMLFormElement {
    let saved = existing !== null;
    const controls = QUESTIONS.map((q) => {
      const control = h('textarea', {
        name: q.name,
        rows: 5,
        maxlength: MAX,
        dir: 'auto',
        required: q.name === 'how_it_went',
        'data-testid': `debrief-${q.name}`,
      });
      control.value = existing ? existing[q.name] : '';
      return { question: q, control };
    });
    const submit = h(
      'button',
      { type: 'submit', class: 'button button--primary', 'data-testid': 'debrief-save' },
      saved ? t('sup.debrief.saveChanges') : t('sup.debrief.save'),
    );
    const formAlert = new AlertRegion();
    const status = new StatusRegion('notice--success');
    status.el.setAttribute('data-testid', 'debrief-saved');
    const el = h(
      'form',
      { class: 'form', novalidate: true, 'aria-label': t('sup.debrief.title') },
      controls.map(({ question, control }) => field({ label: t(question.label), control, hint: t(question.hint) })),
      saved ? h('p', { class: 'hint' }, t('sup.debrief.editNote')) : null,
      formAlert.el,
      h('div', { class: 'actions' }, submit),
      status.el,
    );
    el.addEventListener('submit', (event) => {
      event.preventDefault();
      if (isBusy(submit)) return;
      formAlert.clear();
      status.clear();
      const values = Object.fromEntries(controls.map(({ question, control }) => [question.name, control.value])) as unknown as DebriefFields;
      for (const { control } of controls) setInvalid(control, false);
      const first = controls[0];
      if (first && values.how_it_went.trim() === '') {
        setInvalid(first.control, true);
        formAlert.show(t('sup.debrief.required'));
        first.control.focus();
        return;
      }
      const tooLong = controls.find(({ control }) => control.value.length > MAX);
      if (tooLong) {
        setInvalid(tooLong.control, true);
        formAlert.show(t('sup.debrief.tooLong', { max: MAX }));
        tooLong.control.focus();
        return;
      }
      const restore = busy(submit, t('sup.debrief.saving'));
      supervisionApi
        .saveDebrief(sessionId, values)
        .then((debrief) => {
          restore();
          if (signal.aborted) return;
          const wasSaved = saved;
          saved = true;
          submit.textContent = t('sup.debrief.saveChanges');
          replaceChildren(about, sessionLine(debrief.session));
          status.show(
            wasSaved ? t('sup.debrief.changesSaved') : t('sup.debrief.saved'),
            ' ',
            h('a', { href: hrefFor('/groups') }, t('sup.debrief.backToGroups')),
          );
        })
        .catch((err: unknown) => {
          restore();
          if (isAbort(err) || signal.aborted) return;
          formAlert.show(describeError(err));
        });
    });
    return el;
  }
}
