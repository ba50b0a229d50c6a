/**
 * What the element shows before its runtime is there, in the languages the
 * SDK supports (en, it, es): the launcher, and the status line while idle,
 * loading or failed. Everything a start brings (the other states, the call
 * status, the inline error and the sentences that explain a failure) is the
 * runtime's (texts.ts, messages.ts).
 */
import type { KaleyraCallState } from './events.js';

export type Language = 'en' | 'it' | 'es';

/** One language's strings: the launcher's label, and the status line in three states. */
export interface Strings {
  label: string;
  states: Partial<Record<KaleyraCallState, string>>;
}

export type CheckCode =
  | 'missing_attribute'
  | 'invalid_attribute'
  | 'malformed_url'
  | 'insecure_url'
  | 'invalid_app_id'
  | 'api_key_in_page'
  | 'not_connected'
  | 'no_callee'
  | 'no_chat_user'
  | 'no_join_url';

const TABLES: Record<Language, Strings> = {
  en: {
    label: 'Video call',
    states: {
      idle: 'Video call ready to start',
      loading: 'Loading video call…',
      error: 'Video call unavailable',
    },
  },
  it: {
    label: 'Videochiamata',
    states: {
      idle: 'Videochiamata pronta',
      loading: 'Caricamento della videochiamata…',
      error: 'Videochiamata non disponibile',
    },
  },
  es: {
    label: 'Videollamada',
    states: {
      idle: 'Videollamada lista',
      loading: 'Cargando la videollamada…',
      error: 'Videollamada no disponible',
    },
  },
};

/** The strings of `language`. */
export const stringsFor = (language: Language): Strings => TABLES[language];

/** `language` if the element supports it, else the page's `lang` if so, else English. */
export function resolveLanguage(language?: string, pageLang?: string): Language {
  for (const candidate of [language, pageLang]) {
    const primary = candidate?.toLowerCase().split('-')[0];
    if (primary && Object.hasOwn(TABLES, primary)) return primary as Language;
  }
  return 'en';
}
