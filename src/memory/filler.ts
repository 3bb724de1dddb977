import { stemmer } from 'stemmer';

/**
 * Sentence handling and filler removal shared by the compression utilities.
 *
 * "Filler" is text that carries no fact: greetings, sign-offs, acknowledgements ("sure!", "got it"),
 * interjections ("haha", "wow", "lol"), emoji, runs of "!!!", and sentences made only of weak words
 * ("let me check", "hope this helps"). Content words, names, numbers and dates are never removed.
 */

/** Words that never make a sentence worth keeping on their own (English stopwords and chat filler). */
const WEAK_WORDS = new Set(
  (
    // stopwords
    'a an the and or but if then than so as at by for from in into of off on onto out over to up upon with within without ' +
    'about above after again against all am any are aren be been before being below between both can cannot could did do ' +
    'does doing done down during each few further had has have having he her here hers herself him himself his how i im ' +
    'ive id ill is isn it its itself just me more most my myself nor not now once only other our ours ourselves own same ' +
    'she should some such that thats their theirs them themselves there these they this those through too under until very ' +
    'was we were what when where which while who whom why will would you your yours yourself yourselves d ll s t re ve m ' +
    'don doesn didn won wouldn shouldn couldn wasn weren hasn haven let lets us also still even ever yet really quite ' +
    // chat filler and generic conversational verbs
    'hi hello hey hiya howdy yo greetings dear thanks thank thx ty cheers regards best sincerely bye goodbye ok okay sure yes ' +
    'yeah yep yup alright right great perfect awesome cool nice wow haha hahaha hehe lol lmao rofl omg hmm hm um uh uhm ugh ' +
    'oh ah oops yay woohoo welcome glad happy hope helps helped help problem worries please sorry apologies appreciate ' +
    'appreciated anyway anyways basically actually literally totally definitely absolutely course indeed fantastic amazing ' +
    'excellent wonderful lovely good morning afternoon evening night day weekend care soon later question thing things ' +
    'stuff something anything everything nothing check look looking see seeing know think moment sec second minute bit ' +
    'get got take give make go going come need want like sounds sound gotcha understood noted will shall may might must ' +
    'fine well much many lot lots again already way kind sort glad fun wish wishes talk chat catch touch reply else today working quick one hear heard sounds'
  ).split(/\s+/),
);

const UNDERSCORE = 95;

/** Words of `text`: letters/digits/underscore runs, lowercased, without leading or trailing underscores. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []) {
    // Most words have no underscore at either end: no regex for them.
    const w = raw.charCodeAt(0) === UNDERSCORE || raw.charCodeAt(raw.length - 1) === UNDERSCORE ? raw.replace(/^_+|_+$/g, '') : raw;
    if (w) out.push(w);
  }
  return out;
}

/** The words of `text` that carry content: not weak words; numbers always count. */
export function contentWords(text: string): string[] {
  // No weak word has a digit, so a number is never in the set: one lookup per word, no regex.
  return words(text).filter((w) => !WEAK_WORDS.has(w));
}

const stemCache = new Map<string, string>();

/** Porter stem, cached: compression stems the same few thousand words over and over. */
function porterStem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stemmer(word);
    if (stemCache.size > 100_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** Stems of content words (numbers as they are), for near-duplicate comparison. */
export function stemsOf(content: readonly string[]): Set<string> {
  return new Set(content.map((w) => (/\d/.test(w) ? w : porterStem(w))));
}

/** Stemmed content words, for near-duplicate comparison. */
export function contentStems(text: string): Set<string> {
  return stemsOf(contentWords(text));
}

/** Jaccard similarity of two stem sets; near-duplicates need at least 3 stems each and 0.75 overlap. */
export function isNearDuplicate(a: Set<string>, b: Set<string>): boolean {
  if (a.size < 3 || b.size < 3) return false;
  let inter = 0;
  for (const w of a) if (b.has(w)) inter++;
  return inter / (a.size + b.size - inter) >= 0.75;
}

/**
 * For each stem set, the index of the first earlier set it near-duplicates (see isNearDuplicate), or -1.
 * Prefix filtering over a rarest-first stem order keeps this close to linear on long conversations.
 */
export function earlierNearDuplicates(sets: readonly Set<string>[]): number[] {
  const df = new Map<string, number>();
  for (const set of sets) for (const w of set) df.set(w, (df.get(w) ?? 0) + 1);
  const rare = (a: string, b: string) => (df.get(a)! - df.get(b)!) || (a < b ? -1 : a > b ? 1 : 0);
  const index = new Map<string, number[]>();
  return sets.map((set, i) => {
    if (set.size < 3) return -1;
    const prefix = [...set].sort(rare).slice(0, set.size - Math.ceil(0.75 * set.size) + 1);
    const seen = new Set<number>();
    let found = -1;
    for (const w of prefix) {
      for (const j of index.get(w) ?? []) {
        // The lists are in index order: past the earliest match so far nothing can beat it (without this,
        // a sentence repeated thousands of times compared every copy with every earlier one).
        if (found >= 0 && j >= found) break;
        if (seen.has(j)) continue;
        seen.add(j);
        if (isNearDuplicate(sets[j], set)) found = found < 0 ? j : Math.min(found, j);
      }
    }
    for (const w of prefix) {
      const list = index.get(w);
      if (list) list.push(i);
      else index.set(w, [i]);
    }
    return found;
  });
}

const SENTENCE_MARKS = /[`.!?…]/g;
const ABBREVIATION = /(?:^|[\s(])(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|st|no|approx|cf|fig|inc|ltd|jr|sr|[A-Z])\.$/i;

/**
 * Sentences of `text`: every line is split at `.`, `!`, `?` or `…` followed by whitespace, except after
 * common abbreviations ("e.g.", "Dr.") and inside `inline code`. Empty sentences are dropped.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line) continue;
    let start = 0;
    let inCode = false;
    // Only backticks and sentence ends matter: jump from one to the next.
    const marks = SENTENCE_MARKS;
    marks.lastIndex = 0;
    for (let m = marks.exec(line); m; m = marks.exec(line)) {
      const i = m.index;
      const ch = line[i];
      if (ch === '`') inCode = !inCode;
      if (inCode || ch === '`') continue;
      let j = i;
      while (j + 1 < line.length && '.!?…'.includes(line[j + 1])) j++;
      marks.lastIndex = j + 1;
      if (j + 1 < line.length && !/\s/.test(line[j + 1])) continue;
      const piece = line.slice(start, j + 1);
      if (ch === '.' && j === i && ABBREVIATION.test(piece)) continue;
      const s = piece.trim();
      if (s) out.push(s);
      start = j + 1;
    }
    const rest = line.slice(start).trim();
    if (rest) out.push(rest);
  }
  return out;
}

/** Any emoticon's first character (see EMOTICON). */
const EMOTICON_START = /[:;=<^¯]|[xX]D/;
/**
 * Whitespace that `\s+ -> ' '` would change: runs of two or more, or one that is not a space. The same
 * result as replacing every run, without a match (and a copy) per single space between words.
 */
const WHITESPACE_TO_FOLD = /\s{2,}|[^\S ]/g;

const EMOJI = /(?![©®™])\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}\uFE0F\u200D\u20E3]/gu;
const EMOTICON = /(?<=^|\s)(?:[:;=][-'^o]?[)(\]\[DPpOo3/\\|*]+|<3|\^_\^|xD+|XD+|¯\\_\(ツ\)_\/¯)(?=$|\s|[.,!?])/g;
const INTERJECTION = /(?:[,;]\s*)?(?<![\p{L}\p{N}_])(?:[Hh]a(?:ha)+h?|HA(?:HA)+|[Hh]e(?:he)+|[Ll]ol+|LOL|[Ll]mao+|LMAO|[Rr]ofl|[Oo]mg+|OMG|[Ww]o+w|WOW|[Yy]ay+|[Ww]oo+hoo+|[Uu]gh+|[Hh]m+|[Uu]+m+|[Uu]+h+)(?![\p{L}\p{N}_])(?:,\s*)?([.!?…]*)/gu;
const LEADING_FILLER = new RegExp(
  '^(?:(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day)|ok(?:ay)?|sure(?: thing)?|alright|' +
    'all right|right|great|perfect|awesome|cool|nice|oh no|oh|ah|well|yes|yeah|yep|yup|no problem|no worries|got it|gotcha|' +
    'sounds good|of course|absolutely|certainly|understood|indeed|excellent|fantastic|amazing|thanks|thank you|thx|' +
    'cheers|regards|best regards|kind regards|many thanks)' +
    '(?: (?:there|all|everyone|team|guys|folks|so much|very much|a lot))?\\s*[,!.:;…—–]+\\s*)+',
  'i',
);
const LEADING_GREETING_BEFORE_NAME = /^(?:[Hh]i|[Hh]ello|[Hh]ey|[Hh]iya|[Dd]ear|[Gg]ood (?:morning|afternoon|evening))\s+(?=\p{Lu})/u;
const TRAILING_THANKS = /(?:[,;]\s*|\s+)(?:thanks|thank you|thx|cheers)(?: (?:so|very) much| again| in advance| a lot)?\s*([.!?]*)$/i;

function cleanSentence(sentence: string): string {
  let s = sentence;
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(LEADING_FILLER, '').replace(LEADING_GREETING_BEFORE_NAME, '');
  }
  s = s.replace(TRAILING_THANKS, (_m, p: string) => p || '.');
  s = s.replace(/^[\s,;:…—–-]+/, '').replace(/\s+([,.!?;:])(?=\s|$)/g, '$1').trim();
  return contentWords(s).length > 0 ? s : '';
}

/**
 * `text` without greetings, sign-offs, acknowledgements, interjections, emoji, exclamation runs,
 * doubled words and redundant whitespace. Fenced code blocks are kept verbatim; sentences left with
 * no content word are dropped; content words, names, numbers and dates are never removed.
 */
export function dropFiller(text: string): string {
  const parts = text.split(/(```[\s\S]*?(?:```|$))/);
  const out: string[] = [];
  for (const [i, part] of parts.entries()) {
    if (i % 2 === 1) { out.push(part.trim()); continue; }
    const noEmoji = part.replace(EMOJI, ' ');
    // Every emoticon starts with one of these: most text has none and skips EMOTICON's lookbehind at every position.
    const prose = (EMOTICON_START.test(noEmoji) ? noEmoji.replace(EMOTICON, ' ') : noEmoji)
      .replace(INTERJECTION, (_m, p: string) => p || ' ')
      .replace(/!{2,}/g, '!')
      .replace(/\?[?!]+/g, '?')
      .replace(/(?<![\p{L}\p{N}_])(\p{Ll}{2,})(?:\s+\1)+(?![\p{L}\p{N}_])/gu, '$1');
    const lines = prose
      .split(/\r?\n/)
      .map((line) => splitSentences(line.replace(WHITESPACE_TO_FOLD, ' ')).map(cleanSentence).filter(Boolean).join(' '))
      .filter(Boolean);
    if (lines.length) out.push(lines.join('\n'));
  }
  return out.filter(Boolean).join('\n');
}
