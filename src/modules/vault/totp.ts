import * as OTPAuth from 'otpauth';
import { AppError } from '../../core/errors.js';

/** A TOTP generator from a stored seed: a base32 secret or an `otpauth://totp/...` URI. Throws on anything else. */
export function totpFrom(seed: string): OTPAuth.TOTP {
  if (seed.startsWith('otpauth://')) {
    const parsed = OTPAuth.URI.parse(seed);
    if (!(parsed instanceof OTPAuth.TOTP)) throw new Error('not a TOTP URI');
    return parsed;
  }
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(seed.replace(/[\s-]/g, '').toUpperCase()) });
}

/** Refuses a TOTP seed that could never produce a code, naming the field but never echoing the value. */
export function assertValidTotpSeed(seed: string | null | undefined): void {
  if (seed == null) return;
  try {
    totpFrom(seed);
  } catch {
    throw AppError.validation([{ path: 'totp_secret', message: 'must be a base32 TOTP secret or an otpauth://totp/ URI', code: 'invalid_totp' }]);
  }
}

/** The current code, and how long it stays valid. */
export function currentCode(seed: string, now: Date) {
  const totp = totpFrom(seed);
  const timestamp = now.getTime();
  const periodMs = totp.period * 1000;
  return { code: totp.generate({ timestamp }), digits: totp.digits, period: totp.period, expires_in: Math.ceil((periodMs - (timestamp % periodMs)) / 1000) };
}
