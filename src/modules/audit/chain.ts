import { createHmac } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.js';

/** The genesis link every chain starts from. */
export const GENESIS_HASH = '0'.repeat(64);

/** hash = HMAC-SHA256(key, prev_hash || canonical_json(row without hash)). Shared by every audit chain. */
export function chainHash(key: Buffer, prevHash: string, row: Record<string, unknown>): string {
  const { hash: _ignored, ...content } = row;
  return createHmac('sha256', key).update(prevHash).update(canonicalJson(content)).digest('hex');
}

export interface ChainProblem {
  seq: number;
  id: string | null;
  problem: 'altered' | 'removed' | 'inserted' | 'truncated';
  message: string;
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  first_problem: ChainProblem | null;
}

interface ChainRow {
  id: string;
  seq: number;
  prev_hash: string;
  hash: string;
  [k: string]: unknown;
}

/**
 * Walks rows in seq order and names the first one that breaks the chain:
 * a gap in seq or a prev_hash that does not link means a removed row; a row whose own hash
 * does not verify was altered, or inserted by someone without the key.
 */
export class ChainVerifier {
  private prev = GENESIS_HASH;
  private expectedSeq = 1;
  checked = 0;
  problem: ChainProblem | null = null;

  constructor(private readonly key: Buffer) {}

  /** Feeds the next row; returns false once a problem has been found. */
  next(row: ChainRow): boolean {
    if (this.problem) return false;
    const seq = Number(row.seq);
    if (seq > this.expectedSeq || (seq === this.expectedSeq && row.prev_hash !== this.prev && this.rowVerifies(row))) {
      return this.fail(seq, row.id, 'removed', `the row before seq ${seq} was removed (expected seq ${this.expectedSeq})`);
    }
    if (seq < this.expectedSeq || row.prev_hash !== this.prev) {
      return this.fail(seq, row.id, 'inserted', `row seq ${seq} (${row.id}) does not link to the row before it: inserted`);
    }
    if (!this.rowVerifies(row)) {
      return this.fail(seq, row.id, 'altered', `row seq ${seq} (${row.id}) was altered: its hash does not verify`);
    }
    this.prev = row.hash;
    this.expectedSeq = seq + 1;
    this.checked++;
    return true;
  }

  /** Compares the chain's recorded tip with the last row seen, which catches rows cut from the end. */
  finish(head: { seq: number; hash: string } | undefined): ChainVerification {
    if (!this.problem && head && (Number(head.seq) !== this.expectedSeq - 1 || head.hash !== this.prev)) {
      this.fail(Number(head.seq), null, 'truncated', `rows after seq ${this.expectedSeq - 1} were removed (the chain's tip is seq ${head.seq})`);
    }
    return { ok: !this.problem, checked: this.checked, first_problem: this.problem };
  }

  private rowVerifies(row: ChainRow): boolean {
    return chainHash(this.key, String(row.prev_hash), normalizeRow(row)) === row.hash;
  }

  private fail(seq: number, id: string | null, problem: ChainProblem['problem'], message: string): false {
    this.problem = { seq, id, problem, message };
    return false;
  }
}

/** Drivers return numbers as number or bigint-like strings; hash over one form. */
export function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  return { ...row, seq: Number(row.seq) };
}
