import { splitSentences } from './filler.js';
import { TAG_VOCABULARY, extractTags } from './tags.js';

export type DecisionImpact = 'low' | 'medium' | 'high' | 'critical';

export interface ExtractedDecision {
  decision_text: string;
  rationale: string | null;
  alternatives_considered: string | null;
  decision_type: string;
  impact: DecisionImpact;
}

/** A sentence states a decision when it matches one of these (case-insensitive). */
const DECISION_CUES: readonly RegExp[] = [
  /\b(?:we|i|team|they|you)(?:'ve| have)?\s+(?:decided|chose|chosen|picked|selected|opted|agreed|settled|standardi[sz]ed)\b/i,
  /\b(?:we|i)(?:'ll|'re going to| will| are going to| am going to| shall)\s+(?:use|go with|adopt|switch|move to|migrate|stick with|keep using|standardi[sz]e on|replace)\b/i,
  /\b(?:going|went) with\b/i,
  /\b(?:switched|switching|migrated|migrating)\s+(?:\S+\s+){0,3}?(?:from\s+\S+(?:\s+\S+)?\s+)?to\b/i,
  /\blet'?s\s+(?:use|go with|switch to|stick with|adopt|keep)\b/i,
  /^(?:decision|decided|resolution)\s*:/i,
  /\b(?:prefer|preferred)\s+\S+(?:\s+\S+)?\s+over\b/i,
  /\b(?:instead of|rather than)\b.*\b(?:use|using|chose|pick|go with|went with|switch)/i,
];

/** True when `sentence` states a decision ("we'll use X", "switched to Y", "going with Z", "decision: …"). */
export function isDecisionSentence(sentence: string): boolean {
  return DECISION_CUES.some((re) => re.test(sentence));
}

const RATIONALE = /\s*(?:,\s*|\s+[-–—]\s+|\s+)(?:because|since|as(?= it\b| they\b| we\b)|so that|due to|given that|in order to|to avoid|which (?:gives|means|lets|avoids))\b\s*/i;
const RATIONALE_SENTENCE = /^(?:because|since|the reason (?:is|was)|reason:|this (?:is|was) because|that'?s because|that way|this (?:gives|means|lets|avoids))\b[\s,:]*/i;
const ALTERNATIVE = /\b(?:instead of|rather than|over|in place of|replacing|from)\s+(.+?)(?=\s*(?:[,;.!?]|\bbecause\b|\bsince\b|\bdue to\b|\bso that\b|\bfor\b|\bas\b|$))/gi;
const CONSIDERED = /\b(?:we|i)\s+(?:also\s+)?(?:considered|looked at|evaluated|tried)\s+(.+?)(?=\s*(?:[.;!?]|\bbut\b|$))/i;

const trimEnd = (s: string) => s.replace(/[\s,;:.!?]+$/, '').trim();

function alternativesOf(clause: string, sentence: string, next: string | undefined): string | null {
  const found: string[] = [];
  const lowerClause = clause.toLowerCase();
  for (const m of clause.matchAll(ALTERNATIVE)) {
    const marker = m[0].toLowerCase();
    // "over" and "from" only name an alternative in a decision clause ("chose X over Y", "switched from Y to X").
    if (marker.startsWith('over') && !/\b(?:chose|choose|prefer|preferred|picked|pick|went with|going with|use)\b[^.]*\bover\b/.test(lowerClause)) continue;
    if (marker.startsWith('from') && !/\b(?:switch|switched|switching|migrat\w*|mov\w*)\s+(?:\S+\s+){0,3}?from\b/.test(lowerClause)) continue;
    const alt = trimEnd(m[1].replace(/\s+to\s+.*$/i, ''));
    if (alt && !found.includes(alt)) found.push(alt);
  }
  for (const s of [sentence, next ?? '']) {
    const c = CONSIDERED.exec(s);
    if (c && !found.includes(trimEnd(c[1]))) found.push(trimEnd(c[1]));
  }
  return found.length ? found.join('; ') : null;
}

const TYPE_WORDS: ReadonlyArray<readonly [string, RegExp]> = [
  ['security', /\b(?:security|secure|auth\w*|mfa|2fa|encrypt\w*|password\w*|secrets?|tokens?|tls|ssl|permissions?|rbac|firewall|vulnerab\w*|antivirus|edr|phishing|least privilege|redact\w*)\b/gi],
  ['infrastructure', /\b(?:servers?|hosting|hosted|deploy\w*|docker|kubernetes|k8s|aws|azure|gcp|cloud|network\w*|vpn|dns|backups?|vms?|infrastructure|ci|pipelines?|clusters?|load balancer|nginx|storage)\b/gi],
  ['architecture', /\b(?:architecture|design|patterns?|modules?|layers?|services?|api|schema|monolith|microservices?|structure|interfaces?|boundar\w*|refactor\w*|split|ports?|adapters?|engine)\b/gi],
  ['technology', /\b(?:database|db|library|libraries|framework|language|orm|package|dependency|dependencies|tool|tooling|runtime|version|driver|sdk)\b/gi],
  ['process', /\b(?:process|workflow|review\w*|release\w*|polic(?:y|ies)|procedures?|schedule\w*|meetings?|tickets?|onboarding|offboarding|conventions?|weekly|daily|standups?|always|every|checklists?|approvals?)\b/gi],
];
/** Vocabulary tags that also vote for a decision type. */
const TAG_TYPE = new Map<string, string>(
  TAG_VOCABULARY.map((e) => [
    e.tag,
    e.category === 'security' ? 'security'
      : e.category === 'networking' || e.category === 'cloud' || e.category === 'os' ? 'infrastructure'
      : e.category === 'msp' || e.category === 'signal' ? '' : 'technology',
  ]),
);

/** The kind of a decision from its words: security, infrastructure, architecture, technology, process or general. */
export function guessDecisionType(text: string): string {
  let best = 'general';
  let bestScore = 0;
  const tags = extractTags(text, { max: 50 });
  for (const [type, re] of TYPE_WORDS) {
    const score = (text.match(re)?.length ?? 0) + tags.filter((t) => TAG_TYPE.get(t) === type).length;
    if (score > bestScore) { best = type; bestScore = score; }
  }
  return best;
}

/** Impact from cue words: critical > high > low; medium when nothing says otherwise. */
export function guessImpact(text: string): DecisionImpact {
  if (/\b(?:critical|data loss|outage|irreversible|breach|production (?:is )?down)\b/i.test(text)) return 'critical';
  if (/\b(?:breaking|production|prod|security|migrat\w*|schema change|compliance|customer-facing|downtime|rewrite|public api|deprecat\w*)\b/i.test(text)) return 'high';
  if (/\b(?:minor|cosmetic|naming|rename\w*|typo\w*|style|formatting|docs|documentation|comments?|lint\w*|readme)\b/i.test(text)) return 'low';
  return 'medium';
}

/**
 * Decisions stated in `text`, in order of appearance, one per decision sentence (duplicates collapsed).
 * decision_text is the sentence without its "because …" part; rationale is that part, or the next
 * sentence when it starts with "Because"/"The reason is"; alternatives come from "instead of", "rather
 * than", "over" (after chose/prefer/use), "switched from", and "we considered …".
 */
export function extractDecisions(text: string): ExtractedDecision[] {
  const sentences = splitSentences(text);
  const out: ExtractedDecision[] = [];
  const seen = new Set<string>();
  for (const [i, sentence] of sentences.entries()) {
    if (!isDecisionSentence(sentence)) continue;
    const next = sentences[i + 1];
    const cut = RATIONALE.exec(sentence);
    const clause = trimEnd(cut ? sentence.slice(0, cut.index) : sentence);
    let rationale = cut ? trimEnd(sentence.slice(cut.index + cut[0].length)) || null : null;
    if (!rationale && next && RATIONALE_SENTENCE.test(next)) rationale = trimEnd(next.replace(RATIONALE_SENTENCE, '')) || null;
    const decision_text = clause.replace(/^(?:decision|decided|resolution)\s*:\s*/i, '');
    const key = decision_text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    if (!decision_text || seen.has(key)) continue;
    seen.add(key);
    const whole = `${sentence} ${rationale ?? ''}`;
    out.push({
      decision_text,
      rationale,
      alternatives_considered: alternativesOf(clause, sentence, next),
      decision_type: guessDecisionType(whole),
      impact: guessImpact(whole),
    });
  }
  return out;
}
