import { createHash, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify, decodeProtectedHeader, errors as joseErrors } from 'jose';
import { AppError } from '../../core/errors.js';
import { newId, randomToken } from '../../core/ids.js';

export const ISSUER = 'claudetools';
export const AUDIENCE = 'claudetools-api';
export const ACCESS_TYPE = 'at+jwt';
const ALGORITHM = 'HS256';

export interface AccessClaims {
  sub: string;
  /** The user's token_version when issued; a password change or disable bumps it. */
  ver: number;
}

/** Signs a short-lived access JWT: HS256 with the server's 256-bit key, typ at+jwt. */
export async function signAccessToken(key: Buffer, claims: AccessClaims, ttlSeconds: number, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ ver: claims.ver })
    .setProtectedHeader({ alg: ALGORITHM, typ: ACCESS_TYPE })
    .setSubject(claims.sub).setIssuer(ISSUER).setAudience(AUDIENCE).setJti(newId())
    .setIssuedAt(iat).setNotBefore(iat).setExpirationTime(iat + ttlSeconds)
    .sign(key);
}

/**
 * Verifies an access JWT with explicit algorithm, issuer, audience and typ. A header carrying its
 * own key (jwk, jku, x5c, x5u) is refused outright, whatever the signature.
 */
export async function verifyAccessToken(key: Buffer, token: string, now: Date): Promise<AccessClaims> {
  try {
    const header = decodeProtectedHeader(token);
    if (header.jwk || header.jku || header.x5c || header.x5u) throw AppError.unauthorized('The token is not valid', 'invalid_token');
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE, typ: ACCESS_TYPE,
      currentDate: now, requiredClaims: ['sub', 'exp', 'iat'],
    });
    if (typeof payload.sub !== 'string' || typeof payload.ver !== 'number') throw AppError.unauthorized('The token is not valid', 'invalid_token');
    return { sub: payload.sub, ver: payload.ver };
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof joseErrors.JWTExpired) throw AppError.unauthorized('The access token has expired', 'token_expired');
    throw AppError.unauthorized('The token is not valid', 'invalid_token');
  }
}

/** Opaque secrets (refresh tokens, API key secrets) have 256 bits of entropy, so SHA-256 is the right hash. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export const newRefreshToken = () => randomToken(32);

/** Whether `secret` hashes to `digest` (raw SHA-256 bytes), in constant time. */
export function secretMatches(digest: Buffer, secret: string): boolean {
  const given = createHash('sha256').update(secret).digest();
  return given.length === digest.length && timingSafeEqual(given, digest);
}

/** API keys look like `ct_<keyid>_<secret>`: the key id finds the row, the secret is checked against its hash. */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomToken(9).replace(/[-_]/g, 'x');
  const secret = randomToken(32);
  return { key: `ct_${prefix}_${secret}`, prefix, hash: sha256(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const m = /^ct_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/.exec(key);
  return m ? { prefix: m[1], secret: m[2] } : null;
}
