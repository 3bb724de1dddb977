/**
 * Unsigned varints (7 bits a byte, low bits first, the high bit set on all but the last byte): how the
 * memory index packs term spans and postings. Readers decode inline in their loops, which are hot.
 */

/** Writes `value` (below 2^32) at `at` (into a byte array, or onto the end of a number array); returns the next position. */
export function writeVarint(bytes: Uint8Array | number[], at: number, value: number): number {
  while (value >= 128) {
    bytes[at++] = (value & 127) | 128;
    value >>>= 7;
  }
  bytes[at++] = value;
  return at;
}

/** How many bytes `writeVarint` takes for `value`. */
export function varintLength(value: number): number {
  let length = 1;
  while (value >= 128) {
    value >>>= 7;
    length++;
  }
  return length;
}
