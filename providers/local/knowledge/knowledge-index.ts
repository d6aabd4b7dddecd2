import { resolveLanguage } from '../language.js';
import type { SupportClassifier } from '../support-classifier.js';
import { Bm25Index, type IndexedEntry, type KnowledgeHit } from './bm25-index.js';

/**
 * Whether the built-in intent model reads an entry and a message as the same support intent: `same` when it is sure
 * of the message's intent (`SupportPrediction.sure`) and the entry's is that one; `unsure` when the entry's intent is
 * the message's likeliest but the model is not sure of it; `other` when the entry's intent is known and is not the
 * message's likeliest; `unknown` when the entry is about nothing the support taxonomy names (product facts, house
 * rules), which only its words can match.
 */
export type Topic = 'same' | 'unsure' | 'other' | 'unknown';

export interface KnowledgeMatch extends KnowledgeHit {
  topic: Topic;
}

/** Below this share of the message matched, an entry of no intent in common with it is too loose a match to offer. */
const MIN_COVERAGE = 0.15;
/** An entry's question is clean text: its intent counts from the probability a categorisation calls confident. */
const ENTRY_INTENT = 0.6;

/**
 * A tenant's knowledge base searched two ways: BM25 over the words, and the support intent of each entry's question
 * (classified once, when the index is built). Entries about the message's intent come first even when they share few
 * of its words, which a long, chatty message rarely does; an entry sure to be about another intent is marked so
 * that the words it shares ("order", "account") never make it the answer.
 */
export class KnowledgeIndex {
  private readonly words: Bm25Index;
  private readonly intentOf: (string | undefined)[];
  private readonly byIntent = new Map<string, Set<number>>();

  constructor(
    entries: readonly IndexedEntry[],
    private readonly classifier: SupportClassifier,
  ) {
    this.words = new Bm25Index(entries);
    this.intentOf = entries.map((entry, doc) => {
      const language = entry.language ?? resolveLanguage('auto', entry.question);
      const [top] = classifier.classify(entry.question, language).intents;
      if (!top || top.probability < ENTRY_INTENT) return undefined;
      let docs = this.byIntent.get(top.intent);
      if (!docs) this.byIntent.set(top.intent, (docs = new Set()));
      docs.add(doc);
      return top.intent;
    });
  }

  search(query: string, language: string, limit: number): KnowledgeMatch[] {
    const message = this.classifier.classify(query, language);
    const [top] = message.intents;
    const sure = message.sure ? message.intent : undefined;
    const topic = (doc: number): Topic => {
      const intent = this.intentOf[doc];
      if (intent === undefined || !top) return 'unknown';
      if (intent !== top.intent) return 'other';
      return intent === sure ? 'same' : 'unsure';
    };
    const matches: KnowledgeMatch[] = [];
    const taken = new Set<number>();
    const add = (hit: KnowledgeHit) => {
      if (matches.length >= limit || taken.has(hit.doc)) return;
      taken.add(hit.doc);
      matches.push({ ...hit, topic: topic(hit.doc) });
    };
    // One scoring of the query; every matching entry, best first.
    const hits = this.words.search(query, language, Infinity);
    // Entries of the message's likeliest intent first, those sharing its words before those that do not.
    const sameDocs = top ? this.byIntent.get(top.intent) : undefined;
    if (sameDocs) {
      for (const hit of hits) if (sameDocs.has(hit.doc)) add(hit);
      for (const doc of sameDocs) {
        if (matches.length >= limit) break;
        const entry = this.words.entry(doc);
        if (entry.language === null || entry.language === language) add({ entry, doc, score: 0, coverage: 0, distinctive: false });
      }
    }
    for (const hit of hits.slice(0, limit)) if (hit.coverage >= MIN_COVERAGE) add(hit);
    return matches;
  }
}
