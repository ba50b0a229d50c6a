/** The errors the SDK throws and rejects with, shaped like 2.7.5's. */

export class ExposeError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = code;
    this.code = code;
  }
}

/** 2.7.5 throws config errors before wrapping them: a plain Error with a name, no code. */
export function configError(message) {
  const error = new Error(message);
  error.name = 'invalid_config_error';
  return error;
}

/** What the "server" rejects with: raw objects, not Errors (docs/kaleyra-sdk-notes.md, Errors). */
export const serverError = (code) => ({ code, message: code });

export const notConnected = () => new ExposeError('authentication_error', 'Client not connected');
export const invalid = (message) => new ExposeError('validation_error', message);
export const isNonEmptyString = (value) => typeof value === 'string' && value.length > 0;
