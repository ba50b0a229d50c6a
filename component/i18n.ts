/** The element's own strings in the languages the SDK supports (en, it, es). */
import type { KaleyraCallState } from './events.js';

export type Language = 'en' | 'it' | 'es';

export interface Strings {
  label: string;
  tryAgain: string;
  states: Record<KaleyraCallState, string>;
  errors: { unauthenticated: string; conflict: string; generic: string };
  missing: (attribute: string) => string;
  invalid: (attribute: string, value: string, allowed: string) => string;
}

const STATES: KaleyraCallState[] = [
  'idle',
  'loading',
  'connecting',
  'connected',
  'reconnecting',
  'error',
  'disconnected',
];

// One '|'-separated row per language, in this order: label, try again, the
// seven states (STATES order), the three errors, then the "missing" and
// "invalid" templates ({a} attribute, {v} value, {l} allowed values).
const TABLE: Record<Language, string> = {
  en:
    'Video call|Try again|Video call ready to start|Loading video call…|Connecting…|Connected|' +
    'Reconnecting…|Video call unavailable|Disconnected|Please sign in to start a video call.|' +
    'Another video call on this page uses a different setup.|The video call could not start.|' +
    'The video call is not set up: the "{a}" attribute is missing.|' +
    'The video call is not set up: "{v}" is not a valid value for "{a}" (use {l}).',
  it:
    'Videochiamata|Riprova|Videochiamata pronta|Caricamento della videochiamata…|' +
    'Connessione in corso…|Connesso|Riconnessione in corso…|Videochiamata non disponibile|' +
    'Disconnesso|Accedi per avviare una videochiamata.|' +
    "Un'altra videochiamata in questa pagina usa una configurazione diversa.|" +
    'Non è stato possibile avviare la videochiamata.|' +
    'La videochiamata non è configurata: manca l\'attributo "{a}".|' +
    'La videochiamata non è configurata: "{v}" non è un valore valido per "{a}" (usa {l}).',
  es:
    'Videollamada|Reintentar|Videollamada lista|Cargando la videollamada…|Conectando…|Conectado|' +
    'Reconectando…|Videollamada no disponible|Desconectado|' +
    'Inicia sesión para empezar una videollamada.|' +
    'Otra videollamada de esta página usa una configuración distinta.|' +
    'No se pudo iniciar la videollamada.|' +
    'La videollamada no está configurada: falta el atributo "{a}".|' +
    'La videollamada no está configurada: "{v}" no es un valor válido para "{a}" (usa {l}).',
};

const fill = (template: string, a: string, v = '', l = '') =>
  template.replace('{a}', a).replace('{v}', v).replace('{l}', l);

/** The strings for `language`, or for the page's `lang`, else English. */
export function stringsFor(language: string | undefined, pageLang: string | undefined): Strings {
  const row = TABLE[resolveLanguage(language, pageLang)].split('|');
  return {
    label: row[0]!,
    tryAgain: row[1]!,
    states: Object.fromEntries(STATES.map((state, i) => [state, row[2 + i]])) as Strings['states'],
    errors: { unauthenticated: row[9]!, conflict: row[10]!, generic: row[11]! },
    missing: (a) => fill(row[12]!, a),
    invalid: (a, v, l) => fill(row[13]!, a, v, l),
  };
}

export function resolveLanguage(language?: string, pageLang?: string): Language {
  for (const candidate of [language, pageLang]) {
    const primary = candidate?.toLowerCase().split('-')[0];
    if (primary && Object.hasOwn(TABLE, primary)) return primary as Language;
  }
  return 'en';
}
