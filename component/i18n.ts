/** The element's own strings in the languages the SDK supports (en, it, es). */
import type { KaleyraCallState } from './events.js';

export type Language = 'en' | 'it' | 'es';

/**
 * One language's strings. In `missing` and `invalid`, `{a}` is the attribute,
 * `{v}` the value and `{l}` the allowed values.
 */
interface Table {
  label: string;
  tryAgain: string;
  states: Record<KaleyraCallState, string>;
  unauthenticated: string;
  conflict: string;
  generic: string;
  missing: string;
  invalid: string;
}

export interface Strings extends Omit<Table, 'missing' | 'invalid'> {
  missing: (attribute: string) => string;
  invalid: (attribute: string, value: string, allowed: string) => string;
}

const TABLES: Record<Language, Table> = {
  en: {
    label: 'Video call',
    tryAgain: 'Try again',
    states: {
      idle: 'Video call ready to start',
      loading: 'Loading video call…',
      connecting: 'Connecting…',
      connected: 'Connected',
      reconnecting: 'Reconnecting…',
      error: 'Video call unavailable',
      disconnected: 'Disconnected',
    },
    unauthenticated: 'Please sign in to start a video call.',
    conflict: 'Another video call on this page uses a different setup.',
    generic: 'The video call could not start.',
    missing: 'The video call is not set up: the "{a}" attribute is missing.',
    invalid: 'The video call is not set up: "{v}" is not a valid value for "{a}" (use {l}).',
  },
  it: {
    label: 'Videochiamata',
    tryAgain: 'Riprova',
    states: {
      idle: 'Videochiamata pronta',
      loading: 'Caricamento della videochiamata…',
      connecting: 'Connessione in corso…',
      connected: 'Connesso',
      reconnecting: 'Riconnessione in corso…',
      error: 'Videochiamata non disponibile',
      disconnected: 'Disconnesso',
    },
    unauthenticated: 'Accedi per avviare una videochiamata.',
    conflict: "Un'altra videochiamata in questa pagina usa una configurazione diversa.",
    generic: 'Non è stato possibile avviare la videochiamata.',
    missing: 'La videochiamata non è configurata: manca l\'attributo "{a}".',
    invalid:
      'La videochiamata non è configurata: "{v}" non è un valore valido per "{a}" (usa {l}).',
  },
  es: {
    label: 'Videollamada',
    tryAgain: 'Reintentar',
    states: {
      idle: 'Videollamada lista',
      loading: 'Cargando la videollamada…',
      connecting: 'Conectando…',
      connected: 'Conectado',
      reconnecting: 'Reconectando…',
      error: 'Videollamada no disponible',
      disconnected: 'Desconectado',
    },
    unauthenticated: 'Inicia sesión para empezar una videollamada.',
    conflict: 'Otra videollamada de esta página usa una configuración distinta.',
    generic: 'No se pudo iniciar la videollamada.',
    missing: 'La videollamada no está configurada: falta el atributo "{a}".',
    invalid:
      'La videollamada no está configurada: "{v}" no es un valor válido para "{a}" (usa {l}).',
  },
};

const fill = (template: string, a: string, v = '', l = '') =>
  template.replace('{a}', a).replace('{v}', v).replace('{l}', l);

/** The strings for `language`, or for the page's `lang`, else English. */
export function stringsFor(language: string | undefined, pageLang: string | undefined): Strings {
  const table = TABLES[resolveLanguage(language, pageLang)];
  return {
    ...table,
    missing: (a) => fill(table.missing, a),
    invalid: (a, v, l) => fill(table.invalid, a, v, l),
  };
}

export function resolveLanguage(language?: string, pageLang?: string): Language {
  for (const candidate of [language, pageLang]) {
    const primary = candidate?.toLowerCase().split('-')[0];
    if (primary && Object.hasOwn(TABLES, primary)) return primary as Language;
  }
  return 'en';
}
