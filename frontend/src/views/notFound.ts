import { append, h } from '../dom';
import { t } from '../i18n';
import { hrefFor, type ViewContext } from '../router';

export function notFoundView({ main, setTitle }: ViewContext): void {
  setTitle(t('notFound.title'));
  append(
    main,
    h('h1', null, t('notFound.title')),
    h('p', null, t('notFound.body')),
    h('p', null, h('a', { href: hrefFor('/groups') }, t('notFound.home'))),
  );
}
