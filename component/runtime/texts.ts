/**
 * The runtime's words in the languages the SDK supports (en, it, es): the
 * visitor's sentences, the status line from a start on, and the call status.
 * The element's own file holds only what it shows before its runtime is there
 * (facade/words.ts). A CDN runtime file keeps one language of each entry
 * (rollup.config.mjs), so a text is read with `inLanguage`.
 */
import type { KaleyraCallState } from '../common/events.js';
import type { CallState, Language } from '../common/types.js';

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

/** The inline error's labels (error-view.ts). */
export const LABELS: Record<'tryAgain' | 'details' | 'code' | 'open', Texts> = {
  tryAgain: {
    en: 'Try again',
    it: 'Riprova',
    es: 'Reintentar',
  },
  details: {
    en: 'Details',
    it: 'Dettagli',
    es: 'Detalles',
  },
  code: {
    en: 'Code',
    it: 'Codice',
    es: 'Código',
  },
  open: {
    en: 'Open in a new window',
    it: 'Apri in una nuova finestra',
    es: 'Abrir en una ventana nueva',
  },
};

/** The status line in the states that need the runtime (facade/words.ts has the others). */
export const STATES: Record<
  Exclude<KaleyraCallState, 'preview' | 'idle' | 'loading' | 'error'>,
  Texts
> = {
  verifying: {
    en: 'Checking you are a person…',
    it: 'Verifica che tu sia una persona…',
    es: 'Comprobando que eres una persona…',
  },
  connecting: {
    en: 'Connecting…',
    it: 'Connessione in corso…',
    es: 'Conectando…',
  },
  connected: {
    en: 'Connected',
    it: 'Connesso',
    es: 'Conectado',
  },
  reconnecting: {
    en: 'Reconnecting…',
    it: 'Riconnessione in corso…',
    es: 'Reconectando…',
  },
  disconnected: {
    en: 'Disconnected',
    it: 'Disconnesso',
    es: 'Desconectado',
  },
};

/** The status line during a call. `{name}` is the other participant. */
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

/**
 * `texts` in `language`, else in English, else in the one language there is: a
 * CDN runtime file holds only its own language (rollup.config.mjs), and an
 * element whose language changed after its runtime loaded may ask it for
 * another.
 */
export const inLanguage = (texts: Texts, language: Language): string =>
  texts[language] ?? texts.en ?? texts.it ?? texts.es;

/** `template` with each `{name}` replaced by `params[name]`. */
export const fill = (template: string, params: Record<string, unknown> = {}): string =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
