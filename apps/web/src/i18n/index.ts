import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../api/types.js';
import { en } from './en.js';
import { es } from './es.js';

const STORED = 'enlace.locale';

/** The first language: the one chosen here before, else the browser's (Spanish when it asks for Spanish). */
export function initialLocale(): Locale {
  const stored = localStorage.getItem(STORED);
  if (stored === 'en' || stored === 'es') return stored;
  return navigator.languages?.some((l) => l.toLowerCase().startsWith('es')) ? 'es' : 'en';
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, es: { translation: es } },
  lng: initialLocale(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** True when the person chose a language in this browser (it then wins over the account's). */
export function localeChosenHere(): boolean {
  return !!localStorage.getItem(STORED);
}

export function setLocale(locale: Locale, chosen = true): void {
  if (chosen) localStorage.setItem(STORED, locale);
  document.documentElement.lang = locale;
  void i18n.changeLanguage(locale);
}

document.documentElement.lang = i18n.language;
