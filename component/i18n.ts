/**
 * The element's own strings in the languages the SDK supports (en, it, es):
 * the launcher, the status line, and the visitor's sentences the element needs
 * before its runtime (and with it messages.ts, which explains every failure)
 * is loaded.
 */
import type { KaleyraCallState } from './events.js';
import type { CallState } from './session.js';

export type Language = 'en' | 'it' | 'es';
export type Texts = Record<Language, string>;

/** The visitor's sentence for a page that is not set up (an attribute, the endpoint, the app). */
export const VISITOR_SETUP: Texts = {
  en: 'The video call is not set up on this page.',
  it: 'La videochiamata non è configurata su questa pagina.',
  es: 'La videollamada no está configurada en esta página.',
};

/** The visitor's sentence for a failure that may heal (the service, the network). */
export const VISITOR_UNAVAILABLE: Texts = {
  en: 'The video call is unavailable right now. Please try again later.',
  it: 'La videochiamata non è disponibile al momento. Riprova più tardi.',
  es: 'La videollamada no está disponible ahora. Inténtalo más tarde.',
};

/** The visitor's sentence for a call or chat that could not start. */
export const VISITOR_CALL: Texts = {
  en: 'The call could not be started.',
  it: 'Non è stato possibile avviare la chiamata.',
  es: 'No se pudo iniciar la llamada.',
};

/**
 * One language's strings. `{a}` is an attribute, `{v}` a value, `{l}` the
 * allowed values, `{n}` a number, `{name}` a person.
 */
export interface Strings {
  label: string;
  tryAgain: string;
  details: string;
  code: string;
  states: Record<KaleyraCallState, string>;
}

/** The status line during a call (the runtime's: a call needs a session). */
export const CALLS: Record<Exclude<CallState, 'none'>, Texts> = {
  dialing: {
    en: 'Calling {name}…',
    it: 'Chiamata a {name}…',
    es: 'Llamando a {name}…',
  },
  ringing: {
    en: 'Incoming call from {name}',
    it: 'Chiamata in arrivo da {name}',
    es: 'Llamada entrante de {name}',
  },
  active: {
    en: 'In a call with {name}',
    it: 'In chiamata con {name}',
    es: 'En llamada con {name}',
  },
  ended: {
    en: 'Call ended',
    it: 'Chiamata terminata',
    es: 'Llamada finalizada',
  },
};

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
    tryAgain: 'Try again',
    details: 'Details',
    code: 'Code',
    states: {
      idle: 'Video call ready to start',
      loading: 'Loading video call…',
      verifying: 'Checking you are a person…',
      connecting: 'Connecting…',
      connected: 'Connected',
      reconnecting: 'Reconnecting…',
      error: 'Video call unavailable',
      disconnected: 'Disconnected',
    },
  },
  it: {
    label: 'Videochiamata',
    tryAgain: 'Riprova',
    details: 'Dettagli',
    code: 'Codice',
    states: {
      idle: 'Videochiamata pronta',
      loading: 'Caricamento della videochiamata…',
      verifying: 'Verifica che tu sia una persona…',
      connecting: 'Connessione in corso…',
      connected: 'Connesso',
      reconnecting: 'Riconnessione in corso…',
      error: 'Videochiamata non disponibile',
      disconnected: 'Disconnesso',
    },
  },
  es: {
    label: 'Videollamada',
    tryAgain: 'Reintentar',
    details: 'Detalles',
    code: 'Código',
    states: {
      idle: 'Videollamada lista',
      loading: 'Cargando la videollamada…',
      verifying: 'Comprobando que eres una persona…',
      connecting: 'Conectando…',
      connected: 'Conectado',
      reconnecting: 'Reconectando…',
      error: 'Videollamada no disponible',
      disconnected: 'Desconectado',
    },
  },
};

/**
 * `texts` in `language`, else in English: a CDN runtime file holds only its
 * own language and English (rollup.config.mjs), and an element whose language
 * changed after its runtime loaded may ask it for another.
 */
export const inLanguage = (texts: Texts, language: Language): string => texts[language] ?? texts.en;

/** `template` with each `{name}` replaced by `params[name]`. */
export const fill = (template: string, params: Record<string, unknown> = {}): string =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));

/** The strings for `language`, or for the page's `lang`, else English. */
export function stringsFor(language: string | undefined, pageLang: string | undefined): Strings {
  return TABLES[resolveLanguage(language, pageLang)];
}

export function resolveLanguage(language?: string, pageLang?: string): Language {
  for (const candidate of [language, pageLang]) {
    const primary = candidate?.toLowerCase().split('-')[0];
    if (primary && Object.hasOwn(TABLES, primary)) return primary as Language;
  }
  return 'en';
}
