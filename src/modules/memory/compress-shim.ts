// TEMPORARY until src/memory/compress.ts lands.
import type { Turn } from '../../memory/types.js';
export function compressConversation(turns: Turn[]) { return { title: 'x', dense_summary: '', key_decisions: [] as string[], current_state: '', tags: [] as string[], source_refs: [] as string[] }; void turns; }
export function extractDecisions(_text: string): Array<{ decision_text: string; rationale: string | null; alternatives_considered: string | null; decision_type: string; impact: 'low' | 'medium' | 'high' | 'critical' }> { return []; }
