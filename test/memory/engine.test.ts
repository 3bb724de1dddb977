import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkTurns, splitText } from '../../src/memory/chunk.js';
import { Deduper, dedupe } from '../../src/memory/dedupe.js';
import { formatForInjection, INJECTION_HEADER, renderItem } from '../../src/memory/format.js';
import { DEFAULT_WEIGHTS, frequenciesOf, rank, ranking, scoreRelevance, type Candidate } from '../../src/memory/score.js';
import { decodeTerms, encodeTerms, encodedQuery, IRREGULAR_STEMS, storedFrequencies, terms } from '../../src/memory/text.js';
import { categoriesIn, tagsInCategory } from '../../src/memory/tags.js';
import { countTokens } from '../../src/memory/tokens.js';

const NOW = '2026-03-10T12:00:00.000Z';

function candidate(id: string, text: string, query: string, extra: Partial<Candidate> = {}): Candidate & { text: string } {
  const q = new Set(terms(query));
  const own = terms(text);
  return { id, text, termFrequencies: frequenciesOf(own, q), contextFrequencies: new Map(), length: own.length, contextLength: 0,
    tags: [], scope: 'project', at: '2026-03-09T12:00:00.000Z', usageCount: 0, relevanceScore: 1, pinned: false, ...extra };
}

describe('terms', () => {
  it('stems, drops stopwords and folds apostrophes', () => {
    expect(terms("When did Caroline's painting of the sunrise get finished?")).toEqual(['carolin', 'paint', 'sunris', 'finish']);
  });
  it('brings irregular past forms to their verb, so a question in the present finds them', () => {
    expect(terms('We chose Postgres and she bought tickets')).toEqual(terms('we choose postgres and she buys tickets'));
    expect(terms('which vendor did they choose')).toContain(terms('chose')[0]);
    // A stem, not a word, is mapped: a stored stem can be brought up to date without its word.
    expect(IRREGULAR_STEMS.get('bought')).toBe(terms('buy')[0]);
  });
  it('round-trips through the stored encoding, padding what MariaDB would not index', () => {
    const list = ['go', 'k8s', 'the', 'postgr', '5'];
    expect(encodeTerms(list)).toBe('goqzq k8s theqzq postgr 5qzq');
    expect(decodeTerms(encodeTerms(list))).toEqual(list);
  });
  it('counts query terms in stored text as whole tokens only', () => {
    const stored = encodeTerms(['backup', 'nas', 'backups', 'backup', 'go']);
    expect(storedFrequencies(stored, encodedQuery(['backup', 'go', 'nas', 'x']))).toEqual(new Map([['backup', 2], ['go', 1], ['nas', 1]]));
  });
});

describe('rank (golden)', () => {
  const query = 'nas backup failed';
  const items = [
    candidate('printer', 'Printer HP-4050 jams on duplex jobs.', query),
    candidate('backup', 'The nightly backup to the NAS failed with ECONNREFUSED.', query),
    candidate('nas-old', 'NAS firmware was upgraded last year.', query, { at: '2025-03-10T12:00:00.000Z' }),
    candidate('nas-pinned', 'NAS admin password rotates monthly.', query, { pinned: true }),
    candidate('backup-global', 'Backup retention is 30 days for every client.', query, { scope: 'global' }),
  ];
  const q = { terms: terms(query), tags: [], now: NOW };

  it('orders by text relevance, then pinning, scope and recency, with a breakdown', () => {
    const ranked = rank(q, items, { docCount: 5, avgLength: 5 });
    // "backup" is in fewer items than "nas", so a lone "backup" outranks a lone, older "nas".
    expect(ranked.map((r) => r.item.id)).toEqual(['backup', 'nas-pinned', 'backup-global', 'nas-old', 'printer']);
    const top = ranked[0]!;
    expect(top.breakdown.text).toBe(1);
    expect(top.score).toBeCloseTo(Object.entries(top.breakdown).filter(([k]) => k !== 'bm25').reduce((n, [, v]) => n + v, 0), 10);
    expect(ranked.at(-1)!.breakdown.bm25).toBe(0);
  });

  it('counts a tag of a category the query names as a tag match', () => {
    const question = 'which database did we choose';
    expect(categoriesIn(question)).toEqual(['database']);
    expect(tagsInCategory('database')).toContain('postgresql');
    const pool = [
      candidate('db', 'We decided to use Postgres instead of MongoDB.', question, { tags: ['postgresql', 'mongodb'] }),
      candidate('dns', 'We moved the DNS zone to Cloudflare.', question, { tags: ['dns', 'cloudflare'] }),
    ];
    const ranked = rank({ terms: terms(question), tags: [], categories: categoriesIn(question), now: NOW }, pool, { docCount: 2, avgLength: 6 });
    expect(ranked.map((r) => r.item.id)).toEqual(['db', 'dns']);
    expect(ranked[0]!.breakdown.tags).toBe(DEFAULT_WEIGHTS.tags);
    expect(ranked[1]!.breakdown.tags).toBe(0);
  });

  it('lets an old decision still surface: recency has a floor', () => {
    const ranked = rank(q, items, { docCount: 5, avgLength: 5 });
    const old = ranked.find((r) => r.item.id === 'nas-old')!;
    expect(old.breakdown.recency).toBeCloseTo(DEFAULT_WEIGHTS.recency * DEFAULT_WEIGHTS.recencyFloor, 3);
  });

  it('uses the words around a turn at a lower weight', () => {
    const query = terms('nas backup');
    const question = candidate('q', 'Why does the NAS backup fail?', 'nas backup');
    const answer = { ...candidate('a', 'Port 5001 is blocked by the firewall.', 'nas backup'), contextFrequencies: frequenciesOf(query, new Set(query)), contextLength: 4 };
    const unrelated = candidate('u', 'Printer roller ordered.', 'nas backup');
    const ranked = rank({ terms: query, tags: [], now: NOW }, [unrelated, answer, question], { docCount: 3, avgLength: 4 });
    expect(ranked.map((r) => r.item.id)).toEqual(['q', 'a', 'u']);
    expect(ranked[1]!.breakdown.bm25).toBeGreaterThan(0);
  });

  it('scores one item with the same breakdown rank gives it', () => {
    const pinned = items[3]!;
    const alone = scoreRelevance(pinned, q, { docCount: 5, avgLength: 5 });
    expect(alone.breakdown.pinned).toBe(DEFAULT_WEIGHTS.pinned);
    expect(alone.breakdown.text).toBe(1);
    expect(scoreRelevance(items[0]!, q, { docCount: 5, avgLength: 5 }).breakdown.text).toBe(0);
  });

  it('is deterministic: ties break by time, then id', () => {
    const same = [candidate('b', 'same words here', 'words'), candidate('a', 'same words here', 'words')];
    expect(rank({ terms: ['word'], tags: [], now: NOW }, same, { docCount: 2, avgLength: 3 }).map((r) => r.item.id)).toEqual(['a', 'b']);
  });
});

describe('formatForInjection (golden)', () => {
  const items = [
    { kind: 'conversation', text: 'Caroline: I went to the LGBTQ support group yesterday.', at: '2023-05-08T13:56:00.000Z' },
    { kind: 'decision', text: 'Use WireGuard instead of OpenVPN\nWhy: faster to roll out', at: '2026-03-01T09:04:00.000Z' },
    { kind: 'summary', title: 'Backup incident', text: 'NAS firewall blocked port 5001; allow rule added.', at: null },
  ];

  it('renders dated bullets under a header', () => {
    const out = formatForInjection(items, 1000);
    expect(out.text).toBe([
      INJECTION_HEADER,
      '- (8 May 2023) Caroline: I went to the LGBTQ support group yesterday.',
      '- (1 March 2026) [decision] Use WireGuard instead of OpenVPN\n  Why: faster to roll out',
      '- [summary] Backup incident: NAS firewall blocked port 5001; allow rule added.',
    ].join('\n'));
    expect(out.tokens).toBe(countTokens(out.text));
    expect(out.included).toHaveLength(3);
  });

  it('never exceeds the budget, skipping what does not fit for smaller items behind it', () => {
    const big = { kind: 'conversation', text: 'word '.repeat(400), at: null };
    for (let budget = 0; budget <= 200; budget += 7) {
      const out = formatForInjection([big, ...items], budget);
      expect(out.tokens).toBeLessThanOrEqual(budget);
      expect(countTokens(out.text)).toBe(out.tokens);
      expect(out.included).not.toContain(big);
    }
  });

  it('counts exactly what the whole text counts, whatever the lines end or start with (2,000 random injections)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const pieces = ['word', 'Word', 'it\'s', "don't", '42', '3.14', '2026-11-22', '.', '!?', '...', ',', ':', ';', '"quoted"', '(x)', '[y]', '{z}', '->', '=>',
      '`code()`', '$HOME/.config', 'C:\\Users\\me', 'https://example.com/a?b=c', '#tag', '@user', '—', 'café', 'naïve', 'Straße', '日本語', '😀', '👍🏽', '\t', ' ', '  ',
      '\n', '\n\n', '\r\n', '<b>', '</b>', '- ', '* ', '#', '0x1F', '1,000', '100%', '\'', '"', '_', '__init__', 'snake_case', 'CamelCase'];
    const text = () => Array.from({ length: 1 + Math.floor(random() * 30) }, () => pieces[Math.floor(random() * pieces.length)]).join(random() < 0.5 ? ' ' : '');
    for (let n = 0; n < 2000; n++) {
      const batch = Array.from({ length: 1 + Math.floor(random() * 8) }, (_, i) => ({
        kind: ['conversation', 'snippet', 'decision', 'summary'][i % 4]!, text: text(), title: random() < 0.3 ? text() : null,
        at: random() < 0.5 ? '2026-01-02T03:04:05.000Z' : null,
      })).filter((item) => item.text.trim());
      const budget = 20 + Math.floor(random() * 400);
      const out = formatForInjection(batch, budget);
      expect(out.tokens).toBe(countTokens(out.text));
      expect(out.tokens).toBeLessThanOrEqual(budget);
    }
  });

  it('honours the limit and the accept filter', () => {
    expect(formatForInjection(items, 1000, { limit: 1 }).included).toEqual([items[0]]);
    expect(formatForInjection(items, 1000, { accept: (i) => i.kind !== 'decision' }).included).toEqual([items[0], items[2]]);
  });

  it('says when the limit or the budget is used up, so a caller formatting the top of a list can stop', () => {
    expect(formatForInjection(items, 1000, { limit: items.length }).filled).toBe(true);
    expect(formatForInjection(items, 1000, { limit: items.length + 1 }).filled).toBe(false);
    expect(formatForInjection(items, 1000, { limit: items.length, accept: (i) => i !== items[0] }).filled).toBe(false);
    const tight = formatForInjection(items, countTokens(`${INJECTION_HEADER}\n${renderItem(items[0]!)}`) + 5);
    expect(tight.included).toEqual([items[0]]);
    expect(tight.filled).toBe(true);
  });
});

describe('dedupe', () => {
  it('drops exact and near duplicates, keeping the first', () => {
    const texts = ['The VPN tunnel to the branch office uses WireGuard on port 51820.', 'the vpn tunnel to the branch office uses wireguard on port 51820',
      'The VPN tunnel to the branch office now uses WireGuard on port 51820.', 'Printer roller ordered for the HP-4050.'];
    expect(dedupe(texts, (t) => t, terms)).toEqual([texts[0], texts[3]]);
    const d = new Deduper();
    expect(d.seen(texts[3]!, terms(texts[3]!))).toBe(false);
    expect(d.seen(texts[3]!, terms(texts[3]!))).toBe(true);
  });
});

describe('chunkTurns', () => {
  it('keeps one piece per turn with its neighbours as context, and drops turns left empty', () => {
    const pieces = chunkTurns([
      { ref: 'a', text: 'Why does the NAS backup fail?' },
      { ref: 'b', text: '<private>only for me</private>' },
      { ref: 'c', text: 'Port 5001 is blocked by the firewall.' },
    ]);
    expect(pieces.map((p) => p.ref)).toEqual(['a', 'c']);
    expect(pieces[1]!.contextTerms).toEqual(expect.arrayContaining(terms('NAS backup')));
    expect(pieces[0]!.contextTerms).toEqual(expect.arrayContaining(terms('port 5001 firewall')));
  });

  it('folds runs of spaces and tabs to one space and three or more line breaks to two, keeping single spaces', () => {
    const pieces = chunkTurns([{ ref: 'a', text: ' Tabs\there \t and  two  spaces\n\n\n\nnext \tparagraph\t' }]);
    expect(pieces.map((p) => p.text)).toEqual(['Tabs here and two spaces\n\nnext paragraph']);
  });

  it('splits a long turn into pieces within the limit that all name the turn', () => {
    const text = Array.from({ length: 60 }, (_, i) => `Step ${i}: restart service number ${i} and check the log output carefully.`).join(' ');
    const pieces = splitText(text, 100);
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) expect(countTokens(p)).toBeLessThanOrEqual(100);
    expect(pieces.join(' ').replace(/\s+/g, ' ')).toBe(text);
    expect(new Set(chunkTurns([{ ref: 'long', text }], { maxPieceTokens: 100, neighbours: 2 }).map((p) => p.ref))).toEqual(new Set(['long']));
  });
});

describe('the engine is pure', () => {
  it('imports nothing from HTTP, SQL, MCP or the rest of the app', () => {
    const dir = join(import.meta.dirname, '../../src/memory');
    let imports = 0;
    const allowedPackages = new Set(['gpt-tokenizer', 'stemmer', 'node:crypto']);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const [, fromSpec, dynamicSpec] of source.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm)) {
        const spec = (fromSpec ?? dynamicSpec)!;
        const ok = spec!.startsWith('./') ? !spec!.includes('/', 2) : allowedPackages.has(spec!.split('/')[0]!);
        expect({ file, spec, ok }).toEqual({ file, spec, ok: true });
        imports++;
      }
    }
    expect(imports).toBeGreaterThan(10); // the scan itself works
  });
});

describe('ranking', () => {
  it('gives as its top n exactly the first n of the full order, ties included', () => {
    const words = ['backup', 'nas', 'firewall', 'port', 'printer', 'roller'];
    const items = Array.from({ length: 300 }, (_, i) => candidate(`id-${String(i).padStart(3, '0')}`,
      words.filter((_, w) => (i * (w + 3)) % 5 < 2).join(' ') || 'nothing here', 'backup firewall printer',
      // Equal texts and times at every 7th item: the order must still be the same one.
      { at: `2026-03-0${1 + (i % 7 === 0 ? 0 : i % 9)}T12:00:00.000Z`, usageCount: i % 4 }));
    const query = { terms: terms('backup firewall printer'), tags: [], now: NOW };
    const stats = { docCount: 300, avgLength: 3 };
    const full = rank(query, items, stats).map((s) => s.item.id);
    const lazy = ranking(query, items, stats);
    expect(lazy.length).toBe(300);
    for (const n of [0, 1, 10, 20, 74, 76, 300, 500]) expect(lazy.top(n).map((s) => s.item.id)).toEqual(full.slice(0, n));
  });
});
