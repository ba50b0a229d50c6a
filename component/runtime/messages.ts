/**
 * What the element says about a failure, in two layers (docs/architecture.md,
 * Messages): one short sentence for the visitor, with no vendor, endpoint or
 * status in it, and a detail for the editor or developer: the cause, the fix
 * (and, shown beside it, the code). Both in the element's language.
 *
 * One table: every code the runtime can report, with its visitor sentence's
 * kind and its detail in each language. The table of docs/error-codes.md lists
 * the same codes (test/node/messages.test.mjs checks it), the element's own
 * checks (common/attributes.ts) included. `{name}` in a detail is filled from
 * the error's `params`.
 */
import { KaleyraCallError, type ErrorInit } from '../common/errors.js';
import type { ErrorPhase } from '../common/events.js';
import type { Language } from '../common/types.js';
import {
  VISITOR_CALL,
  VISITOR_SETUP,
  VISITOR_UNAVAILABLE,
  fill,
  inLanguage,
  type Texts,
} from './texts.js';

type Kind =
  'setup' | 'signin' | 'unavailable' | 'conflict' | 'ended' | 'call' | 'challenge' | 'media';

const VISITOR: Record<Kind, Texts> = {
  setup: VISITOR_SETUP,
  signin: {
    en: 'Please sign in to start a video call.',
    it: 'Accedi per avviare una videochiamata.',
    es: 'Inicia sesión para empezar una videollamada.',
  },
  unavailable: VISITOR_UNAVAILABLE,
  conflict: {
    en: 'Another video call on this page uses a different setup.',
    it: "Un'altra videochiamata in questa pagina usa una configurazione diversa.",
    es: 'Otra videollamada de esta página usa una configuración distinta.',
  },
  ended: {
    en: 'The video call has ended.',
    it: 'La videochiamata è terminata.',
    es: 'La videollamada ha terminado.',
  },
  call: VISITOR_CALL,
  challenge: {
    en: 'We could not confirm you are a person. Please try again.',
    it: 'Non siamo riusciti a verificare che tu sia una persona. Riprova.',
    es: 'No pudimos confirmar que eres una persona. Inténtalo de nuevo.',
  },
  media: {
    en: "Video calls can't start on this page.",
    it: 'Le videochiamate non possono partire da questa pagina.',
    es: 'Las videollamadas no pueden empezar en esta página.',
  },
};

/** Every code the runtime reports: its kind, and its detail (cause, then fix). */
export const MESSAGES = {
  // The element's own checks (validate.ts, actions.ts).
  missing_attribute: {
    kind: 'setup',
    en: 'The "{a}" attribute is missing.',
    it: `Manca l'attributo "{a}".`,
    es: 'Falta el atributo "{a}".',
  },
  invalid_attribute: {
    kind: 'setup',
    en: '"{v}" is not a valid value for "{a}": use {l}.',
    it: '"{v}" non è un valore valido per "{a}": usa {l}.',
    es: '"{v}" no es un valor válido para "{a}": usa {l}.',
  },
  malformed_url: {
    kind: 'setup',
    en: 'The "{a}" attribute is not a valid URL: "{v}".',
    it: `L'attributo "{a}" non è un URL valido: "{v}".`,
    es: 'El atributo "{a}" no es una URL válida: "{v}".',
  },
  insecure_url: {
    kind: 'setup',
    en: '"{a}" is an http: URL on an https: page, which browsers block: use https:.',
    it: '"{a}" è un URL http: in una pagina https:, che i browser bloccano: usa https:.',
    es: '"{a}" es una URL http: en una página https:, que los navegadores bloquean: usa https:.',
  },
  invalid_app_id: {
    kind: 'setup',
    en: '"{v}" is not a Kaleyra web app id (those start with wAppId_): copy it from the Kaleyra console.',
    it: '"{v}" non è un app id web di Kaleyra (iniziano con wAppId_): copialo dalla console Kaleyra.',
    es: '"{v}" no es un app id web de Kaleyra (empiezan por wAppId_): cópialo de la consola de Kaleyra.',
  },
  api_key_in_page: {
    kind: 'setup',
    en: '"app-id" holds what looks like a secret API key (ak_…): remove it from the page and rotate the key.',
    it: '"app-id" contiene quella che sembra una API key segreta (ak_…): toglila dalla pagina e cambia la chiave.',
    es: '"app-id" contiene lo que parece una API key secreta (ak_…): quítala de la página y cambia la clave.',
  },
  not_connected: {
    kind: 'call',
    en: 'The video call is not connected: call connect() first.',
    it: 'La videochiamata non è connessa: chiama prima connect().',
    es: 'La videollamada no está conectada: llama antes a connect().',
  },
  no_callee: {
    kind: 'call',
    en: 'No one to call: set call-with, or pass user ids to startCall().',
    it: 'Nessuno da chiamare: imposta call-with o passa gli id utente a startCall().',
    es: 'Nadie a quien llamar: define call-with o pasa ids de usuario a startCall().',
  },
  no_chat_user: {
    kind: 'call',
    en: 'No one to chat with: set chat-with, or pass a user id to openChat().',
    it: 'Nessuno con cui chattare: imposta chat-with o passa un id utente a openChat().',
    es: 'Nadie con quien chatear: define chat-with o pasa un id de usuario a openChat().',
  },
  no_join_url: {
    kind: 'call',
    en: 'No room link: set join-url, or pass one to joinCall().',
    it: 'Nessun link della stanza: imposta join-url o passalo a joinCall().',
    es: 'Ningún enlace de sala: define join-url o pásalo a joinCall().',
  },
  // What the runtime meets.
  config_mismatch: {
    kind: 'setup',
    en: 'The page sets {a}="{v}" but the token endpoint issues tokens for "{e}": make them agree.',
    it: 'La pagina imposta {a}="{v}" ma il token endpoint emette token per "{e}": rendili uguali.',
    es: 'La página fija {a}="{v}" pero el token endpoint emite tokens para "{e}": haz que coincidan.',
  },
  app_unknown: {
    kind: 'setup',
    en: 'No app-id, and the token endpoint names no app: set KALEYRA_APP_ID on the worker, or app-id.',
    it: 'Né app-id né app dal token endpoint: imposta KALEYRA_APP_ID sul worker, o app-id.',
    es: 'Sin app-id ni app del token endpoint: define KALEYRA_APP_ID en el worker, o app-id.',
  },
  not_found: {
    kind: 'setup',
    en: 'The token endpoint {url} answered 404. Check the token-endpoint attribute.',
    it: "Il token endpoint {url} ha risposto 404. Controlla l'attributo token-endpoint.",
    es: 'El token endpoint {url} respondió 404. Revisa el atributo token-endpoint.',
  },
  token_redirect: {
    kind: 'setup',
    en: 'The token endpoint {url} redirected (to a login page?): check token-endpoint and credentials.',
    it: 'Il token endpoint {url} ha reindirizzato (a un login?): controlla token-endpoint e credentials.',
    es: 'El token endpoint {url} redirigió (¿a un login?): revisa token-endpoint y credentials.',
  },
  unexpected_response: {
    kind: 'setup',
    en: 'The token endpoint {url} answered {status} with {type}, not JSON: check token-endpoint.',
    it: 'Il token endpoint {url} ha risposto {status} con {type}, non JSON: controlla token-endpoint.',
    es: 'El token endpoint {url} respondió {status} con {type}, no JSON: revisa token-endpoint.',
  },
  invalid_response: {
    kind: 'setup',
    en: 'No valid access_token, user_id or expires_at in the answer: check token-endpoint or tokenProvider.',
    it: 'Mancano access_token, user_id o expires_at validi: controlla token-endpoint o tokenProvider.',
    es: 'Faltan access_token, user_id o expires_at válidos: revisa token-endpoint o tokenProvider.',
  },
  unauthenticated: {
    kind: 'signin',
    en: 'The token endpoint refused the credentials (401): sign in, then call connect().',
    it: 'Il token endpoint ha rifiutato le credenziali (401): accedi, poi chiama connect().',
    es: 'El token endpoint rechazó las credenciales (401): inicia sesión y llama a connect().',
  },
  origin_not_allowed: {
    kind: 'setup',
    en: "The token endpoint {url} refuses this page's origin, {origin} (CORS): add it to ALLOWED_ORIGINS.",
    it: "Il token endpoint {url} rifiuta l'origine di questa pagina, {origin} (CORS): aggiungila ad ALLOWED_ORIGINS.",
    es: 'El token endpoint {url} rechaza el origen de esta página, {origin} (CORS): añádelo a ALLOWED_ORIGINS.',
  },
  media_blocked: {
    kind: 'media',
    en: `The Permissions Policy of {origin} refuses the {feature}: add allow="camera; microphone" to its <iframe>, or allow it in the Permissions-Policy header.`,
    it: `La Permissions Policy di {origin} rifiuta {feature}: aggiungi allow="camera; microphone" al suo <iframe>, o consentilo nell'header Permissions-Policy.`,
    es: 'La Permissions Policy de {origin} rechaza {feature}: añade allow="camera; microphone" a su <iframe>, o permítelo en la cabecera Permissions-Policy.',
  },
  insecure_context: {
    kind: 'media',
    en: 'Calls need a secure page (https: or localhost); {origin} is not one.',
    it: 'Le chiamate richiedono una pagina sicura (https: o localhost); {origin} non lo è.',
    es: 'Las llamadas necesitan una página segura (https: o localhost); {origin} no lo es.',
  },
  forbidden: {
    kind: 'setup',
    en: "The token endpoint refused a cross-site request with cookies: serve it on the page's site, or use authToken.",
    it: 'Il token endpoint ha rifiutato una richiesta cross-site con cookie: servilo sul sito della pagina o usa authToken.',
    es: 'El token endpoint rechazó una petición entre sitios con cookies: sírvelo en el sitio de la página o usa authToken.',
  },
  bad_request: {
    kind: 'setup',
    en: 'The token endpoint refused the request ({status} {server}): is token-endpoint a token endpoint?',
    it: 'Il token endpoint ha rifiutato la richiesta ({status} {server}): token-endpoint è un token endpoint?',
    es: 'El token endpoint rechazó la petición ({status} {server}): ¿es token-endpoint un token endpoint?',
  },
  rate_limited: {
    kind: 'unavailable',
    en: 'Too many token requests (429); retried when the endpoint allows.',
    it: "Troppe richieste di token (429); riprova quando l'endpoint lo consente.",
    es: 'Demasiadas peticiones de token (429); se reintenta cuando el endpoint lo permita.',
  },
  unavailable: {
    kind: 'unavailable',
    en: "The token service failed ({status} {server}); retried. See the worker's log.",
    it: 'Il servizio dei token non ha funzionato ({status} {server}); riprova. Vedi il log del worker.',
    es: 'El servicio de tokens falló ({status} {server}); se reintenta. Mira el log del worker.',
  },
  network_error: {
    kind: 'unavailable',
    en: 'The token endpoint {url} is unreachable (network or timeout); retried.',
    it: 'Il token endpoint {url} non è raggiungibile (rete o timeout); riprova.',
    es: 'El token endpoint {url} no responde (red o tiempo agotado); se reintenta.',
  },
  provider_failed: {
    kind: 'unavailable',
    en: 'tokenProvider failed: {server}. Retried unless it rejects with a 4xx status.',
    it: 'tokenProvider non ha funzionato: {server}. Riprova salvo rifiuto con stato 4xx.',
    es: 'tokenProvider falló: {server}. Se reintenta salvo rechazo con estado 4xx.',
  },
  user_changed: {
    kind: 'ended',
    en: 'The new token is for another user ({user}): call connect() to start over.',
    it: 'Il nuovo token è di un altro utente ({user}): chiama connect() per ricominciare.',
    es: 'El nuevo token es de otro usuario ({user}): llama a connect() para empezar de nuevo.',
  },
  sdk_load_failed: {
    kind: 'unavailable',
    en: 'The video SDK {url} did not load: network, sdk-src, sdk-version, sdk-integrity or the CSP script-src.',
    it: "L'SDK video {url} non si è caricato: rete, sdk-src, sdk-version, sdk-integrity o lo script-src della CSP.",
    es: 'El SDK de vídeo {url} no cargó: red, sdk-src, sdk-version, sdk-integrity o el script-src de la CSP.',
  },
  sdk_timeout: {
    kind: 'unavailable',
    en: 'The video SDK {url} took too long to load.',
    it: "L'SDK video {url} ha impiegato troppo a caricarsi.",
    es: 'El SDK de vídeo {url} tardó demasiado en cargar.',
  },
  sdk_invalid: {
    kind: 'setup',
    en: '{url} defined no BandyerSDK: sdk-src is another script.',
    it: '{url} non definisce BandyerSDK: sdk-src è un altro script.',
    es: '{url} no define BandyerSDK: sdk-src es otro script.',
  },
  invalid_config_error: {
    kind: 'setup',
    en: 'The video SDK refused the configuration: {server}',
    it: "L'SDK video ha rifiutato la configurazione: {server}",
    es: 'El SDK de vídeo rechazó la configuración: {server}',
  },
  browser_not_supported: {
    kind: 'unavailable',
    en: 'The video SDK does not support this browser.',
    it: "L'SDK video non supporta questo browser.",
    es: 'El SDK de vídeo no admite este navegador.',
  },
  client_already_exists: {
    kind: 'conflict',
    en: 'This page already runs app {v} ({e}); the SDK allows one client per page: use the same settings.',
    it: "Questa pagina usa già l'app {v} ({e}); l'SDK consente un solo client per pagina: usa le stesse impostazioni.",
    es: 'Esta página ya usa la app {v} ({e}); el SDK admite un solo cliente por página: usa la misma configuración.',
  },
  connect_timeout: {
    kind: 'unavailable',
    en: "No answer from the video service in {s} s. Likely: app id, region or environment differ from the worker's, a token for another app, or a network without WebSockets.",
    it: "Nessuna risposta dal servizio video in {s} s. Probabile: app id, regione o ambiente diversi dal worker, un token di un'altra app o una rete senza WebSocket.",
    es: 'Sin respuesta del servicio de vídeo en {s} s. Probable: app id, región o entorno distintos del worker, un token de otra app o una red sin WebSockets.',
  },
  access_token_invalid: {
    kind: 'unavailable',
    en: 'The video service refused the token ({sdk}): it must be minted for this app and user.',
    it: "Il servizio video ha rifiutato il token ({sdk}): dev'essere di questa app e di questo utente.",
    es: 'El servicio de vídeo rechazó el token ({sdk}): debe ser de esta app y este usuario.',
  },
  connect_failed: {
    kind: 'unavailable',
    en: 'The video service refused the connection ({sdk}).',
    it: 'Il servizio video ha rifiutato la connessione ({sdk}).',
    es: 'El servicio de vídeo rechazó la conexión ({sdk}).',
  },
  force_disconnect: {
    kind: 'ended',
    en: 'The video service ended the session ({sdk}): the user was disabled or removed.',
    it: "Il servizio video ha chiuso la sessione ({sdk}): l'utente è stato disattivato o rimosso.",
    es: 'El servicio de vídeo cerró la sesión ({sdk}): el usuario fue desactivado o eliminado.',
  },
  update_token_failed: {
    kind: 'unavailable',
    en: 'The video service refused the renewed token ({sdk}).',
    it: 'Il servizio video ha rifiutato il token rinnovato ({sdk}).',
    es: 'El servicio de vídeo rechazó el token renovado ({sdk}).',
  },
  call_failed: {
    kind: 'call',
    en: 'The video service refused the call or chat ({sdk}).',
    it: 'Il servizio video ha rifiutato la chiamata o la chat ({sdk}).',
    es: 'El servicio de vídeo rechazó la llamada o el chat ({sdk}).',
  },
  busy: {
    kind: 'call',
    en: 'The call could not start ({sdk}): someone is busy, or a call is under way.',
    it: "La chiamata non è partita ({sdk}): qualcuno è occupato o c'è già una chiamata.",
    es: 'La llamada no empezó ({sdk}): alguien está ocupado o ya hay una llamada.',
  },
  no_plus_user: {
    kind: 'call',
    en: 'A call needs a Kaleyra "plus" user among its participants.',
    it: 'Una chiamata richiede un utente Kaleyra "plus" tra i partecipanti.',
    es: 'Una llamada necesita un usuario Kaleyra "plus" entre los participantes.',
  },
  media_client_unavailable: {
    kind: 'call',
    en: "Trusted Types blocked the SDK's media client: add the default policy (kaleyra-call/trusted-types).",
    it: "Trusted Types ha bloccato il media client dell'SDK: aggiungi la policy default (kaleyra-call/trusted-types).",
    es: 'Trusted Types bloqueó el media client del SDK: añade la política default (kaleyra-call/trusted-types).',
  },
  challenge_failed: {
    kind: 'challenge',
    en: 'The guest challenge did not pass ({reason}): refused or expired. Try again.',
    it: 'La verifica per gli ospiti non è riuscita ({reason}): rifiutata o scaduta. Riprova.',
    es: 'La verificación de invitado no pasó ({reason}): rechazada o caducada. Inténtalo de nuevo.',
  },
  challenge_load_failed: {
    kind: 'unavailable',
    en: 'The challenge script {url} did not load: check challenge-src and the CSP (script-src, frame-src).',
    it: 'Lo script della verifica {url} non si è caricato: controlla challenge-src e la CSP (script-src, frame-src).',
    es: 'El script de verificación {url} no cargó: revisa challenge-src y la CSP (script-src, frame-src).',
  },
  unsupported_challenge: {
    kind: 'signin',
    en: 'The endpoint offers guests an unknown challenge ({v}): that counts as no offer.',
    it: "L'endpoint offre agli ospiti una verifica sconosciuta ({v}): vale come nessuna offerta.",
    es: 'El endpoint ofrece a los invitados una verificación desconocida ({v}): cuenta como sin oferta.',
  },
  disconnected: {
    kind: 'ended',
    en: 'disconnect() was called, or the element left the page, before connecting.',
    it: "È stato chiamato disconnect(), o l'elemento ha lasciato la pagina, prima della connessione.",
    es: 'Se llamó a disconnect(), o el elemento dejó la página, antes de conectar.',
  },
  unexpected: {
    kind: 'unavailable',
    en: 'An unexpected failure: {server}',
    it: 'Un errore inatteso: {server}',
    es: 'Un fallo inesperado: {server}',
  },
} as const satisfies Record<string, Texts & { kind: Kind }>;

export type MessageCode = keyof typeof MESSAGES;

/**
 * Codes of the status table that share another code's text, and the SDK's own
 * codes that need words of their own, by the entry that explains them. The
 * element reports the code it received; only the text is shared. Any other SDK
 * code is kept too, and worded as its step's failure (`fromSdk`).
 */
export const SAME_AS: Record<string, MessageCode> = {
  method_not_allowed: 'bad_request',
  body_too_large: 'bad_request',
  unsupported_media_type: 'bad_request',
  internal: 'unavailable',
  upstream_error: 'unavailable',
  upstream_timeout: 'unavailable',
  access_token_expired: 'access_token_invalid',
  access_token_invalid_signature: 'access_token_invalid',
  access_token_invalid_user: 'access_token_invalid',
  app_id_invalid: 'access_token_invalid',
  user_not_found: 'access_token_invalid',
  another_call_in_progress: 'busy',
  current_user_busy: 'busy',
  all_users_busy: 'busy',
  current_user_not_available: 'busy',
};

/** The entry that explains `code` (unknown codes get their phase's generic one). */
export function entryFor(code: string): (typeof MESSAGES)[MessageCode] | undefined {
  return MESSAGES[(SAME_AS[code] ?? code) as MessageCode];
}

/** Appended when the retries of an episode ran out (retry.ts). */
const GAVE_UP: Texts = {
  en: 'Gave up after {n} attempts.',
  it: 'Abbandonato dopo {n} tentativi.',
  es: 'Abandonado tras {n} intentos.',
};

/** The visitor's sentence and the detail of a failure, in `language`. */
export function describe(
  error: { code: string; params?: Record<string, unknown> | undefined },
  language: Language,
): { visitor: string; detail: string } | undefined {
  const entry = entryFor(error.code) ?? entryFor(String(error.params?.as));
  if (!entry) return undefined;
  return {
    visitor: inLanguage(VISITOR[entry.kind], language),
    detail:
      fill(inLanguage(entry, language), error.params).replace(/ \( ?\)/g, '') +
      (error.params?.attempts
        ? ` ${fill(inLanguage(GAVE_UP, language), { n: error.params.attempts })}`
        : ''),
  };
}

/** Everything that makes `error`, to make another from it. */
export const initOf = (error: KaleyraCallError): ErrorInit => ({
  ...error,
  message: error.message,
});

/**
 * `error` as the page sees it: its message is its detail in `language`, and an
 * error of a code no entry explains keeps its own message. Every event and
 * every rejection of the element goes through here (runtime/driver.ts).
 */
export function word(error: KaleyraCallError, language: Language): KaleyraCallError {
  const detail = describe(error, language)?.detail;
  return detail === undefined || detail === error.message
    ? error
    : new KaleyraCallError({ ...initOf(error), message: detail });
}

/**
 * Normalises what the SDK rejects with (`Error`s named after their code,
 * `{code}` objects, and — updateAccessToken with another user's token — raw
 * server objects) into a failure of `phase`: the SDK's own code is kept when it
 * has one (else `fallback`), worded by its entry or else by `fallback`'s, with
 * the SDK's code in `params.sdk`.
 */
export function fromSdk(err: unknown, phase: ErrorPhase, fallback: string): KaleyraCallError {
  if (err instanceof KaleyraCallError) return err;
  const { code, name, message } = (err ?? {}) as Record<string, unknown>;
  const id = [code, name, message].find(
    (c): c is string => typeof c === 'string' && /^[a-z][a-z0-9_]*$/.test(c) && c !== 'error',
  );
  const text = typeof message === 'string' ? message : String(err);
  return new KaleyraCallError({
    phase,
    code: id ?? fallback,
    params: { sdk: id ?? text, server: text, as: fallback },
  });
}
