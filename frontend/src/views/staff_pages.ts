/**
 * The staff-only pages (administration, the safeguarding console, supervision), gathered so that the build
 * makes them one file of their own, fetched the first time someone opens one of them (main.ts `later`). A
 * member's first load, often over poor mobile data, carries none of them; staff fetch the file once and their
 * browser keeps it (its name changes with its content, docs/operations.md).
 */

export { adminView } from './admin';
export { adminGroupView } from './admin_group';
export { adminHubView } from './admin_hub';
export { adminSafeguardingView } from './admin_safeguarding';
export { safeguardingView } from './safeguarding';
export { supervisionView } from './supervision';
