/** In-memory tuning loop for the ranking (no server): same engine functions, candidates simulated exactly. */
import { loadLocomo } from './dataset.js';
import { terms } from '../../src/memory/text.js';
import { frequenciesOf, rank, DEFAULT_WEIGHTS, type Candidate, type RankWeights } from '../../src/memory/score.js';
import { countTokens } from '../../src/memory/tokens.js';

const data = loadLocomo(process.argv[2] ?? '/work/shared/datasets/locomo/locomo10.dev.json');
const W: RankWeights = { ...DEFAULT_WEIGHTS, ...JSON.parse(process.env.W ?? '{}') };
const WINDOW = Number(process.env.WINDOW ?? 1);
const CTX = Number(process.env.CTX ?? 0);

interface Item { id: string; at: string; terms: string[]; contextTerms: string[]; text: string; refs: string[]; tok?: number }

function buildItems(conv: ReturnType<typeof loadLocomo>[number]): Item[] {
  const items: Item[] = [];
  for (const s of conv.sessions) {
    const turnTerms = s.turns.map((t) => terms(t.text));
    for (let i = 0; i < s.turns.length; i += WINDOW) {
      const group = s.turns.slice(i, i + WINDOW);
      const own = turnTerms.slice(i, i + WINDOW).flat();
      const ctx = [...turnTerms.slice(Math.max(0, i - CTX), i).flat(), ...turnTerms.slice(i + WINDOW, i + WINDOW + CTX).flat()];
      items.push({ id: group[0]!.ref, terms: own, contextTerms: ctx, at: group[0]!.at,
        text: group.map((t) => t.text).join('\n'), refs: group.map((t) => t.ref) });
    }
  }
  return items;
}

const sums: Record<string, number> = {}; let n = 0;
const add = (k: string, v: number) => { sums[k] = (sums[k] ?? 0) + v; };
for (const conv of data) {
  const items = buildItems(conv);
  const avg = items.reduce((a, c) => a + c.terms.length + W.contextWeight * c.contextTerms.length, 0) / items.length;
  for (const q of conv.questions) {
    const qt = terms(q.question);
    const qs = new Set(qt);
    const cands = items.filter((c) => c.terms.some((t) => qs.has(t)) || c.contextTerms.some((t) => qs.has(t)))
      .map((item): Candidate & { item: Item } => ({ item, id: item.id, termFrequencies: frequenciesOf(item.terms, qs), contextFrequencies: frequenciesOf(item.contextTerms, qs),
        length: item.terms.length, contextLength: item.contextTerms.length, tags: [], scope: 'project', at: item.at, usageCount: 0, relevanceScore: 1, pinned: false }));
    const ranked = rank({ terms: qt, tags: [], now: conv.lastDate }, cands, { docCount: items.length, avgLength: avg }, W);
    const ev = new Set(q.evidence);
    const recallAt = (k: number) => { const got = new Set(ranked.slice(0, k).flatMap((r) => r.item.item.refs)); return q.evidence.filter((e) => got.has(e)).length / ev.size; };
    const budgeted = (budget: number) => {
      let used = 0; const got = new Set<string>();
      for (const r of ranked) { const t = (r.item.item.tok ??= countTokens(r.item.item.text) + 1); if (used + t > budget) continue; used += t; r.item.item.refs.forEach((x) => got.add(x)); }
      return q.evidence.filter((e) => got.has(e)).length / ev.size;
    };
    add('r@5', recallAt(5)); add('r@10', recallAt(10)); add('r@25', recallAt(25));
    add('b500', budgeted(500)); add('b1000', budgeted(1000)); add('b2000', budgeted(2000));
    add(`c${q.category}`, budgeted(1000)); add(`n${q.category}`, 1);
    n++;
  }
}
const out = Object.fromEntries(Object.entries(sums).filter(([k]) => !k.startsWith('c') && !k.startsWith('n')).map(([k, v]) => [k, +(v / n).toFixed(3)]));
const cats = [1, 2, 3, 4, 5].map((c) => `${c}:${((sums[`c${c}`] ?? 0) / (sums[`n${c}`] ?? 1)).toFixed(3)}`).join(' ');
console.log(JSON.stringify(out), cats);
