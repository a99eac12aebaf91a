/**
 * Welsh (Cymraeg) catalogue, assembled from its parts in the same order as ./en.ts (later parts win, as there).
 * Each part is typed against its English file, so a missing key is a compile error; tests/test_catalogue_coverage.py
 * also checks every refusal code and every placeholder.
 */
import type { Catalogue, Messages } from './en';
import { cyAdmin, cyAdminPlurals } from './cy_admin';
import { cySupervision, cySupervisionPlurals } from './cy_supervision';
import { cyRoom, cyRoomPlurals } from './cy_room';
import { cyModeration, cyModerationPlurals } from './cy_moderation';
import { cySafeguarding, cySafeguardingPlurals } from './cy_safeguarding';
import { cyRecovery, cyRecoveryPlurals } from './cy_recovery';
import { cyPrivacy, cyPrivacyPlurals } from './cy_privacy';
import { cyLanguage, cyLanguagePlurals } from './cy_language';
import { cyNoticesAdmin, cyNoticesAdminPlurals } from './cy_notices_admin';
import { cyTrust, cyTrustPlurals } from './cy_trust';
import { cyCore, cyCorePlurals } from './cy_core';

const messages: Messages = {
  ...cyAdmin,
  ...cySupervision,
  ...cyRoom,
  ...cyModeration,
  ...cySafeguarding,
  ...cyRecovery,
  ...cyPrivacy,
  ...cyLanguage,
  ...cyTrust,
  ...cyNoticesAdmin,
  ...cyCore,
};

export const welsh: Catalogue = {
  lang: 'cy',
  dir: 'ltr',
  nativeName: 'Cymraeg',
  messages,
  plurals: {
    ...cyAdminPlurals,
    ...cySupervisionPlurals,
    ...cyRoomPlurals,
    ...cyModerationPlurals,
    ...cySafeguardingPlurals,
    ...cyRecoveryPlurals,
    ...cyPrivacyPlurals,
    ...cyLanguagePlurals,
    ...cyTrustPlurals,
    ...cyNoticesAdminPlurals,
    ...cyCorePlurals,
  },
};
