import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Me } from './api/types.js';

const staff = (u: Me) => u.roles.includes('admin') || u.roles.includes('secretariat');
const officer = (u: Me) => u.memberships.some((m) => m.role === 'officer');

/** Two-factor sign-in and passkeys; where MFA_REQUIRED sends an account that has no second factor yet. */
export const SECURITY_PATH = '/settings/security';

export interface ScreenRoute {
  path: string;
  screen: LazyExoticComponent<ComponentType>;
  /** Shown in the main menu (i18n key) for users this accepts. */
  nav?: { label: string; shows: (u: Me) => boolean };
}

/**
 * Every screen of the client: one file under screens/ (loaded when first opened) and its texts in i18n/en.ts and
 * i18n/es.ts. A new screen is one more line here.
 */
export const routes: ScreenRoute[] = [
  {
    path: '/',
    screen: lazy(() => import('./screens/home.js')),
    nav: { label: 'nav.home', shows: () => true },
  },
  { path: '/channels/:id', screen: lazy(() => import('./screens/channel.js')) },
  {
    path: '/cases',
    screen: lazy(() => import('./screens/cases.js')),
    nav: { label: 'nav.cases', shows: officer },
  },
  { path: '/cases/new', screen: lazy(() => import('./screens/case-new.js')) },
  { path: '/cases/:id', screen: lazy(() => import('./screens/case.js')) },
  {
    path: '/search',
    screen: lazy(() => import('./screens/search.js')),
    nav: { label: 'nav.search', shows: () => true },
  },
  {
    path: '/board',
    screen: lazy(() => import('./screens/board.js')),
    nav: { label: 'nav.board', shows: () => true },
  },
  {
    path: '/my-items',
    screen: lazy(() => import('./screens/my-items.js')),
    nav: { label: 'nav.myItems', shows: (u) => officer(u) && !!u.country },
  },
  { path: '/follow-ups/:id', screen: lazy(() => import('./screens/follow-up.js')) },
  {
    path: '/work-plan',
    screen: lazy(() => import('./screens/work-plan.js')),
    nav: { label: 'nav.workPlan', shows: () => true },
  },
  {
    path: '/training',
    screen: lazy(() => import('./screens/training.js')),
    nav: { label: 'nav.training', shows: (u) => u.memberships.length > 0 || staff(u) },
  },
  { path: '/training/new', screen: lazy(() => import('./screens/training-edit.js')) },
  { path: '/training/needs', screen: lazy(() => import('./screens/training-needs.js')) },
  { path: '/training/:id', screen: lazy(() => import('./screens/training-event.js')) },
  { path: '/training/:id/edit', screen: lazy(() => import('./screens/training-edit.js')) },
  {
    path: '/library',
    screen: lazy(() => import('./screens/library.js')),
    nav: { label: 'nav.library', shows: (u) => u.memberships.length > 0 || staff(u) },
  },
  { path: '/library/:country/:topic', screen: lazy(() => import('./screens/sheet.js')) },
  {
    path: '/settings/digest',
    screen: lazy(() => import('./screens/digest-settings.js')),
    nav: { label: 'nav.digest', shows: () => true },
  },
  {
    path: SECURITY_PATH,
    screen: lazy(() => import('./screens/security.js')),
    nav: { label: 'nav.security', shows: () => true },
  },
  {
    path: '/account',
    screen: lazy(() => import('./screens/account.js')),
    nav: { label: 'myAccount.nav', shows: () => true },
  },
  {
    path: '/admin',
    screen: lazy(() => import('./screens/admin.js')),
    nav: { label: 'nav.admin', shows: staff },
  },
  {
    path: '/admin/retention',
    screen: lazy(() => import('./screens/retention.js')),
    nav: { label: 'nav.retention', shows: (u) => u.roles.includes('admin') },
  },
];

/**
 * Pages anyone may open without signing in: the links of digest and password reset emails (the token authorises),
 * and the request for a reset email.
 */
export const publicRoutes: ScreenRoute[] = [
  { path: '/forgot-password', screen: lazy(() => import('./screens/forgot-password.js')) },
  { path: '/reset-password', screen: lazy(() => import('./screens/reset-password.js')) },
  { path: '/digest/confirm', screen: lazy(() => import('./screens/digest-confirm.js')) },
  { path: '/digest/unsubscribe', screen: lazy(() => import('./screens/digest-unsubscribe.js')) },
];
