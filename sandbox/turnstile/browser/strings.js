/** The widget's text in the languages the stand-in speaks; any other language gets English. */

export const STRINGS = {
  en: {
    title: 'Widget containing a Cloudflare security challenge',
    verify: 'Verify you are human',
    verifying: 'Verifying…',
    success: 'Success!',
    failed: 'Verification failed',
    expired: 'Expired',
    timedOut: 'Timed out',
    refresh: 'Refresh',
    brand: 'Turnstile stand-in',
  },
  it: {
    title: 'Widget contenente una verifica di sicurezza Cloudflare',
    verify: 'Verifica di essere un essere umano',
    verifying: 'Verifica in corso…',
    success: 'Operazione riuscita!',
    failed: 'Verifica non riuscita',
    expired: 'Scaduto',
    timedOut: 'Tempo scaduto',
    refresh: 'Aggiorna',
    brand: 'Sostituto di Turnstile',
  },
  es: {
    title: 'Widget que contiene un desafío de seguridad de Cloudflare',
    verify: 'Verifica que eres un ser humano',
    verifying: 'Verificando…',
    success: '¡Operación exitosa!',
    failed: 'Error de verificación',
    expired: 'Caducado',
    timedOut: 'Tiempo agotado',
    refresh: 'Actualizar',
    brand: 'Sustituto de Turnstile',
  },
};

/** `language` is `auto` (the browser's) or a tag such as `it` or `es-MX`. @param {string} language */
export function languageOf(language) {
  const tag = language === 'auto' ? navigator.language : language;
  const primary = String(tag).toLowerCase().split('-')[0];
  return primary in STRINGS ? primary : 'en';
}
