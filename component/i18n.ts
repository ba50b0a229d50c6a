/** The element's own strings in the languages the SDK supports. */
export type Language = 'en' | 'it' | 'es';

export const LANGUAGES: readonly Language[] = ['en', 'it', 'es'];

export interface Strings {
  label: string;
  tryAgain: string;
  states: Record<
    'idle' | 'loading' | 'connecting' | 'connected' | 'reconnecting' | 'error' | 'disconnected',
    string
  >;
  errors: { unauthenticated: string; conflict: string; generic: string };
  missing: (attribute: string) => string;
  invalid: (attribute: string, value: string, allowed: string) => string;
}

const en: Strings = {
  label: 'Video call',
  tryAgain: 'Try again',
  errors: {
    unauthenticated: 'Please sign in to start a video call.',
    conflict: 'Another video call on this page uses a different setup.',
    generic: 'The video call could not start.',
  },
  states: {
    idle: 'Video call ready to start',
    loading: 'Loading video call…',
    connecting: 'Connecting…',
    connected: 'Connected',
    reconnecting: 'Reconnecting…',
    error: 'Video call unavailable',
    disconnected: 'Disconnected',
  },
  missing: (a) => `The video call is not set up: the "${a}" attribute is missing.`,
  invalid: (a, v, allowed) =>
    `The video call is not set up: "${v}" is not a valid value for "${a}" (use ${allowed}).`,
};

const it: Strings = {
  label: 'Videochiamata',
  tryAgain: 'Riprova',
  errors: {
    unauthenticated: 'Accedi per avviare una videochiamata.',
    conflict: "Un'altra videochiamata in questa pagina usa una configurazione diversa.",
    generic: 'Non è stato possibile avviare la videochiamata.',
  },
  states: {
    idle: 'Videochiamata pronta',
    loading: 'Caricamento della videochiamata…',
    connecting: 'Connessione in corso…',
    connected: 'Connesso',
    reconnecting: 'Riconnessione in corso…',
    error: 'Videochiamata non disponibile',
    disconnected: 'Disconnesso',
  },
  missing: (a) => `La videochiamata non è configurata: manca l'attributo "${a}".`,
  invalid: (a, v, allowed) =>
    `La videochiamata non è configurata: "${v}" non è un valore valido per "${a}" (usa ${allowed}).`,
};

const es: Strings = {
  label: 'Videollamada',
  tryAgain: 'Reintentar',
  errors: {
    unauthenticated: 'Inicia sesión para empezar una videollamada.',
    conflict: 'Otra videollamada de esta página usa una configuración distinta.',
    generic: 'No se pudo iniciar la videollamada.',
  },
  states: {
    idle: 'Videollamada lista',
    loading: 'Cargando la videollamada…',
    connecting: 'Conectando…',
    connected: 'Conectado',
    reconnecting: 'Reconectando…',
    error: 'Videollamada no disponible',
    disconnected: 'Desconectado',
  },
  missing: (a) => `La videollamada no está configurada: falta el atributo "${a}".`,
  invalid: (a, v, allowed) =>
    `La videollamada no está configurada: "${v}" no es un valor válido para "${a}" (usa ${allowed}).`,
};

const table: Record<Language, Strings> = { en, it, es };

/** The strings for `language`, or for the page's `lang`, else English. */
export function stringsFor(language: string | undefined, pageLang: string | undefined): Strings {
  return table[resolveLanguage(language, pageLang)];
}

export function resolveLanguage(
  language: string | undefined,
  pageLang: string | undefined,
): Language {
  for (const candidate of [language, pageLang]) {
    const primary = candidate?.toLowerCase().split('-')[0];
    if (primary && (LANGUAGES as readonly string[]).includes(primary)) return primary as Language;
  }
  return 'en';
}
