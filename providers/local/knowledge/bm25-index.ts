import { STEMMERS, STOPWORDS } from '../natural-modules.js';
import { resolveLanguage } from '../language.js';
import { words } from '../text.js';

export interface IndexedEntry {
  id: string;
  question: string;
  answer: string;
  tags: string[];
  /** ISO 639-1; null means any language. */
  language: string | null;
}

export interface KnowledgeHit {
  entry: IndexedEntry;
  /** The entry's position in the array the index was built from. */
  doc: number;
  score: number;
  /** Share of the query's information (idf) that the entry matched: 0..1, comparable across queries. */
  coverage: number;
  /**
   * Whether the match rests on more than one shared term, or on one the entry's question or tags hold: one word of
   * its answer ("order" in a refund entry) says nothing about what the entry is about.
   */
  distinctive: boolean;
}

/** A question says most about what an entry answers; tags name its topic; the answer's words count a little. */
const FIELD_BOOST = { question: 2, tags: 1.5, answer: 0.5 } as const;
const K1 = 1.2;
const B = 0.75;

type Stemmable = 'en' | 'fr';
const stemmable = (language: string | null): Stemmable => (language === 'fr' ? 'fr' : 'en');

/** No word of either language is longer; the stemmers' regexes are super-linear on such runs (a 10 000-letter "word" took 0.5 s). */
const MAX_STEMMED_LENGTH = 40;

/** Content words, stemmed: stop words say nothing about which entry answers a question. */
export function terms(text: string, language: Stemmable): string[] {
  const stop = STOPWORDS[language];
  const stemmer = STEMMERS[language];
  const out: string[] = [];
  for (const w of words(text)) if (!stop.has(w)) out.push(w.length > MAX_STEMMED_LENGTH ? w : stemmer.stem(w));
  return out;
}

interface Posting {
  docs: number[];
  weights: number[];
}

/** BM25 over question, tags and answer with per-field boosts (a light BM25F), built once per knowledge-base version. */
export class Bm25Index {
  private readonly postings = new Map<string, Posting>();
  private readonly lengths: number[] = [];
  private readonly averageLength: number;

  constructor(private readonly entries: readonly IndexedEntry[]) {
    entries.forEach((entry, doc) => {
      // Entries without a language are indexed in the language their text is written in.
      const language = stemmable(entry.language ?? resolveLanguage('auto', `${entry.question} ${entry.answer}`));
      const weights = new Map<string, number>();
      let length = 0;
      const addField = (text: string, boost: number) => {
        for (const term of terms(text, language)) {
          weights.set(term, (weights.get(term) ?? 0) + boost);
          length += boost;
        }
      };
      addField(entry.question, FIELD_BOOST.question);
      addField(entry.tags.join(' '), FIELD_BOOST.tags);
      addField(entry.answer, FIELD_BOOST.answer);
      this.lengths.push(length);
      for (const [term, weight] of weights) {
        let posting = this.postings.get(term);
        if (!posting) this.postings.set(term, (posting = { docs: [], weights: [] }));
        posting.docs.push(doc);
        posting.weights.push(weight);
      }
    });
    this.averageLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, this.lengths.length);
  }

  get size(): number {
    return this.entries.length;
  }

  private idf(documentFrequency: number): number {
    const n = this.entries.length;
    return Math.log(1 + (n - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }

  /** The entry at a position of the array the index was built from. */
  entry(doc: number): IndexedEntry {
    return this.entries[doc]!;
  }

  /** The best entries for a query in `language`: entries in that language or in none. */
  search(query: string, language: string, limit: number): KnowledgeHit[] {
    const wanted = stemmable(language);
    const queryTerms = [...new Set(terms(query, wanted))];
    if (queryTerms.length === 0 || this.entries.length === 0) return [];
    const scores = new Map<number, { score: number; matched: number; terms: number; topical: boolean }>();
    let information = 0;
    for (const term of queryTerms) {
      const posting = this.postings.get(term);
      const idf = this.idf(posting?.docs.length ?? 0);
      information += idf;
      if (!posting) continue;
      for (let k = 0; k < posting.docs.length; k++) {
        const doc = posting.docs[k]!;
        const entryLanguage = this.entries[doc]!.language;
        if (entryLanguage !== null && entryLanguage !== language) continue;
        const tf = posting.weights[k]!;
        const norm = tf + K1 * (1 - B + (B * this.lengths[doc]!) / this.averageLength);
        const entry = scores.get(doc) ?? { score: 0, matched: 0, terms: 0, topical: false };
        entry.score += (idf * tf * (K1 + 1)) / norm;
        entry.matched += idf;
        entry.terms++;
        // A term weighs at least the tags' boost only when the question or the tags hold it (or the answer, thrice).
        if (tf >= FIELD_BOOST.tags) entry.topical = true;
        scores.set(doc, entry);
      }
    }
    return [...scores]
      .sort((a, b) => b[1].score - a[1].score || a[0] - b[0])
      .slice(0, limit)
      .map(([doc, s]) => ({ entry: this.entries[doc]!, doc, score: s.score, coverage: s.matched / information, distinctive: s.terms >= 2 || s.topical }));
  }
}
