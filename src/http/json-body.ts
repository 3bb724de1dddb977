import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { AppError } from '../core/errors.js';

const MAX_DEPTH = 32;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Deepest nesting of arrays and objects, counted without parsing (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped char
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) { if (++depth > max) max = depth; }
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * JSON bodies: invalid UTF-8, nesting deeper than MAX_DEPTH and prototype-pollution keys
 * (`__proto__`, `constructor.prototype`) are 400s before any handler sees them.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(/^application\/([a-z.+-]*\+)?json$/, { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return done(AppError.badRequest('The body is not valid UTF-8', 'invalid_utf8'), undefined);
    }
    if (text.trim() === '') return done(AppError.badRequest('The body is empty; send a JSON value', 'empty_body'), undefined);
    if (jsonDepth(text) > MAX_DEPTH) return done(AppError.badRequest(`The JSON is nested deeper than ${MAX_DEPTH} levels`, 'too_deep'), undefined);
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (e) {
      const msg = (e as Error).message;
      const pollution = /prototype|constructor/i.test(msg);
      done(AppError.badRequest(pollution ? 'The body contains a forbidden key (__proto__ or constructor.prototype)' : 'The body is not valid JSON',
        pollution ? 'forbidden_key' : 'invalid_json'), undefined);
    }
  });
}
