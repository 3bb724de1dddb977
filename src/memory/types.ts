/** One message of a conversation as the ingest contract carries it. */
export interface Turn {
  /** Stable id of the turn in its source, e.g. "conv-26:D1:3" or a Claude Code message uuid. */
  ref: string;
  role?: 'user' | 'assistant' | 'system' | 'tool';
  speaker?: string;
  text: string;
  /** ISO time the turn happened. */
  at?: string;
}
