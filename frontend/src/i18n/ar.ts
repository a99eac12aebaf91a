/**
 * Arabic (العربية), written right to left: <html dir="rtl"> mirrors the layout (the CSS uses logical properties) catalogue, assembled from its parts in the same order as ./en.ts (later parts win, as there).
 * Each part is typed against its English file, so a missing key is a compile error; tests/test_catalogue_coverage.py
 * also checks every refusal code and every placeholder.
 */
import type { Catalogue, Messages } from './en';
import { arAdmin, arAdminPlurals } from './ar_admin';
import { arSupervision, arSupervisionPlurals } from './ar_supervision';
import { arRoom, arRoomPlurals } from './ar_room';
import { arModeration, arModerationPlurals } from './ar_moderation';
import { arSafeguarding, arSafeguardingPlurals } from './ar_safeguarding';
import { arRecovery, arRecoveryPlurals } from './ar_recovery';
import { arPrivacy, arPrivacyPlurals } from './ar_privacy';
import { arLanguage, arLanguagePlurals } from './ar_language';
import { arNoticesAdmin, arNoticesAdminPlurals } from './ar_notices_admin';
import { arTrust, arTrustPlurals } from './ar_trust';
import { arCore, arCorePlurals } from './ar_core';

const messages: Messages = {
  ...arAdmin,
  ...arSupervision,
  ...arRoom,
  ...arModeration,
  ...arSafeguarding,
  ...arRecovery,
  ...arPrivacy,
  ...arLanguage,
  ...arTrust,
  ...arNoticesAdmin,
  ...arCore,
};

export const arabic: Catalogue = {
  lang: 'ar',
  dir: 'rtl',
  nativeName: 'العربية',
  messages,
  plurals: {
    ...arAdminPlurals,
    ...arSupervisionPlurals,
    ...arRoomPlurals,
    ...arModerationPlurals,
    ...arSafeguardingPlurals,
    ...arRecoveryPlurals,
    ...arPrivacyPlurals,
    ...arLanguagePlurals,
    ...arTrustPlurals,
    ...arNoticesAdminPlurals,
    ...arCorePlurals,
  },
};
