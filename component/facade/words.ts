/**
 * What the element shows before its runtime is there, in the languages the
 * SDK supports (en, it, es): the launcher, and the status line in an editor's
 * preview, and while loading or failed. Everything a start brings (the other states, the call
 * status, the inline error and the sentences that explain a failure) is the
 * runtime's (runtime/texts.ts, runtime/messages.ts).
 */
import type { KaleyraCallState } from '../common/events.js';
import type { Language } from '../common/types.js';

/**
 * One language's strings: the launcher's label, and the status line in three
 * states (idle has none: the launcher says it).
 */
export interface Strings {
  label: string;
  states: Partial<Record<KaleyraCallState, string>>;
}

const TABLES: Record<Language, Strings> = {
  en: {
    label: 'Video call',
    states: {
      preview: 'Preview: calls start on the published page',
      loading: 'Loading video call…',
      error: 'Video call unavailable',
    },
  },
  it: {
    label: 'Videochiamata',
    states: {
      preview: 'Anteprima: le chiamate partono dalla pagina pubblicata',
      loading: 'Caricamento della videochiamata…',
      error: 'Videochiamata non disponibile',
    },
  },
  es: {
    label: 'Videollamada',
    states: {
      preview: 'Vista previa: las llamadas empiezan en la página publicada',
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
