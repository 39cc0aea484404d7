// ko and en everywhere. The choice is remembered per browser; the API gets it as Accept-Language,
// so its error messages arrive in the same language as the screen.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { commonText } from './common.ts';
import { consoleText } from './console.ts';
import { walletText } from './wallet.ts';
import { ussdText } from './ussd.ts';
import { agentText } from './agent.ts';
import { walletCashText } from './wallet-cash.ts';

export type Lang = 'ko' | 'en';
export const LANGS: readonly Lang[] = ['ko', 'en'];
const STORAGE_KEY = 'smallchange.lang';

export const resources = {
  en: { translation: { ...commonText.en, wallet: { ...walletText.en, ...walletCashText.en }, console: consoleText.en, ussd: ussdText.en, agent: agentText.en } },
  ko: { translation: { ...commonText.ko, wallet: { ...walletText.ko, ...walletCashText.ko }, console: consoleText.ko, ussd: ussdText.ko, agent: agentText.ko } },
} as const;

function initialLang(): Lang {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  if (saved === 'ko' || saved === 'en') return saved;
  const browser = typeof navigator === 'undefined' ? 'ko' : navigator.language.toLowerCase();
  // Korea first: Korean unless the browser asks for English.
  return browser.startsWith('en') ? 'en' : 'ko';
}

export async function initI18n(): Promise<void> {
  const lng = initialLang();
  await i18next.use(initReactI18next).init({ resources, lng, fallbackLng: 'en', interpolation: { escapeValue: false }, returnNull: false });
  document.documentElement.lang = lng;
}

export function currentLang(): Lang {
  return i18next.language === 'en' ? 'en' : 'ko';
}

export async function setLang(lang: Lang): Promise<void> {
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  await i18next.changeLanguage(lang);
}
