import { stemmer } from 'stemmer';

/**
 * Words that carry no topic. Kept short on purpose: BM25's IDF already discounts common words,
 * and over-eager stopwords throw away answers ("when", "who" are dropped; "not", numbers are kept).
 */
const STOPWORDS = new Set(`a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has have having he her
here hers herself him himself his how i if in into is it its itself just let me more most my myself no nor of off on
once only or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours yourself yourselves also yeah yes oh hey hi ok okay really thanks thank
s t d ll m re ve don didn doesn isn wasn aren weren won wouldn couldn shouldn hasn haven hadn im ive youre thats
got get gets getting much many lot lots something anything thing things shes hes theyre were its whats thats`.split(/\s+/));

const WORD = /[\p{L}\p{N}]+/gu;

/** Lowercased words of `text`, apostrophes folded so "Caroline's" and "Carolines" agree. */
export function words(text: string): string[] {
  return text.toLowerCase().replace(/['’]/g, '').match(WORD) ?? [];
}

/**
 * Irregular past forms to their base verb before stemming, so "which one did we choose" finds "we chose"
 * and "what did she buy" finds "she bought". Only forms that are rarely another word ("rose", "led", "saw"
 * as nouns are left out or accepted as the rarer reading).
 */
const IRREGULAR: ReadonlyMap<string, string> = new Map(`chose:choose chosen:choose bought:buy brought:bring thought:think
taught:teach caught:catch fought:fight sought:seek went:go gone:go ran:run began:begin begun:begin wrote:write
written:write spoke:speak spoken:speak broke:break broken:break took:take taken:take gave:give given:give drove:drive
driven:drive ate:eat eaten:eat grew:grow grown:grow knew:know known:know threw:throw thrown:throw flew:fly flown:fly
drew:draw drawn:draw sang:sing sung:sing swam:swim swum:swim rode:ride ridden:ride froze:freeze frozen:freeze
stole:steal stolen:steal woke:wake woken:wake wore:wear worn:wear tore:tear torn:tear forgot:forget
forgotten:forget gotten:get sold:sell told:tell held:hold built:build sent:send spent:spend lent:lend bent:bend
meant:mean kept:keep slept:sleep felt:feel dealt:deal met:meet paid:pay laid:lay said:say made:make found:find
lost:lose became:become came:come hid:hide hidden:hide fell:fall fallen:fall understood:understand stood:stand
saw:see seen:see shook:shake shaken:shake mistook:mistake forgave:forgive fed:feed fled:flee heard:hear
struck:strike stuck:stick hung:hang swung:swing spun:spin dug:dig shot:shoot`.split(/\s+/).map((pair) => pair.split(':') as [string, string]));

/**
 * Porter stems of the irregular forms to the stem of their verb ("bought" -> "buy"'s "bui"). Applied to
 * stems, not words, so a stored term can be brought up to date without its word (see migration 0032),
 * and every word with that stem goes the same way ("shots" with "shot" to "shoot").
 */
export const IRREGULAR_STEMS: ReadonlyMap<string, string> = new Map([...IRREGULAR]
  .map(([form, base]) => [stemmer(form), stemmer(base)] as [string, string])
  .filter(([before, after]) => before !== after));

function porterWithIrregulars(word: string): string {
  const porter = stemmer(word);
  return IRREGULAR_STEMS.get(porter) ?? porter;
}

const stemCache = new Map<string, string>();

/** Porter stem, cached: the same few thousand words recur in every text. */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = /^\d/.test(word) ? word : porterWithIrregulars(word);
    if (stemCache.size > 100_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** The index terms of a text: words minus stopwords, stemmed. Order and repeats are kept (term frequency). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) if (!STOPWORDS.has(w) && w.length < 40) out.push(stem(w));
  return out;
}

/**
 * Terms as the databases' full-text indexes store them. MariaDB's InnoDB index skips words shorter
 * than 3 characters and its built-in stopwords; padding those keeps every term searchable, so all
 * three databases find exactly the same candidates.
 */
const INNODB_STOPWORDS = new Set('a about an are as at be by com de en for from how i in is it la of on or that the this to was what when where who will with und www'.split(' '));
const PAD = 'qzq';

export function encodeTerm(term: string): string {
  return term.length < 3 || INNODB_STOPWORDS.has(term) || term.endsWith(PAD) ? term + PAD : term;
}

export function decodeTerm(token: string): string {
  return token.endsWith(PAD) ? token.slice(0, -PAD.length) : token;
}

export function encodeTerms(list: readonly string[]): string {
  return list.map(encodeTerm).join(' ');
}

export function decodeTerms(stored: string | null | undefined): string[] {
  return stored ? stored.split(' ').filter(Boolean).map(decodeTerm) : [];
}

/** Occurrences of `token` as a whole space-separated token of `stored`. */
function countToken(stored: string, token: string): number {
  let n = 0;
  for (let i = stored.indexOf(token); i !== -1; i = stored.indexOf(token, i + token.length)) {
    const end = i + token.length;
    if ((i === 0 || stored.charCodeAt(i - 1) === 32) && (end === stored.length || stored.charCodeAt(end) === 32)) n++;
  }
  return n;
}

/** Query terms paired with their stored (encoded) form, computed once per query. */
export function encodedQuery(queryTerms: Iterable<string>): [term: string, encoded: string][] {
  return [...new Set(queryTerms)].map((t) => [t, encodeTerm(t)]);
}

/**
 * Counts of the query's terms in a stored (encoded) term string, without decoding or splitting it:
 * ranking only needs the frequencies of the few terms asked for.
 */
export function storedFrequencies(stored: string | null | undefined, query: readonly [string, string][]): Map<string, number> {
  const tf = new Map<string, number>();
  if (!stored) return tf;
  for (const [term, encoded] of query) {
    const n = countToken(stored, encoded);
    if (n) tf.set(term, n);
  }
  return tf;
}
