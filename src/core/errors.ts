/**
 * The one error type the app throws on purpose. Each has an HTTP status and a stable `code`
 * that clients can switch on; the HTTP layer turns it into application/problem+json.
 * `detail` is shown to the client, so it must never carry a secret.
 */
export interface FieldError {
  path: string;
  message: string;
  code?: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static badRequest(message: string, code = 'bad_request', errors?: FieldError[]) {
    return new AppError(400, code, message, errors);
  }
  static validation(errors: FieldError[], message = 'The request is not valid') {
    return new AppError(400, 'validation_failed', message, errors);
  }
  static unauthorized(message = 'Authentication is required', code = 'unauthorized') {
    return new AppError(401, code, message);
  }
  static forbidden(message = 'You are not allowed to do this', code = 'forbidden') {
    return new AppError(403, code, message);
  }
  static notFound(entity: string, id?: string) {
    return new AppError(404, 'not_found', id ? `${entity} ${id} was not found` : `${entity} was not found`);
  }
  static conflict(message: string, code = 'conflict', errors?: FieldError[]) {
    return new AppError(409, code, message, errors);
  }
  /** A reference to a row that does not exist: 422 naming the field and the table (`table`: e.g. "projects"). */
  static unknownReference(field: string, table: string, id: string) {
    return new AppError(422, 'unknown_reference', `${field} refers to no row of ${table}`, [
      { path: field, message: `${table} has no row with id ${id}`, code: 'unknown_reference' },
    ]);
  }
  static unprocessable(message: string, errors?: FieldError[], code = 'unprocessable') {
    return new AppError(422, code, message, errors);
  }
  static tooLarge(message = 'The request body is too large') {
    return new AppError(413, 'payload_too_large', message);
  }
  static rateLimited(retryAfterSeconds: number, message = 'Too many requests; try again later') {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    return new AppError(429, 'rate_limited', message, undefined, { 'retry-after': String(seconds) });
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;
