// Training and evaluation data (datasets/ at the repository root): read by `npm run train` and `npm run eval` only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvRecords } from './csv.js';
import { stratifiedSplit } from './seeded-random.js';

const DATASETS = new URL('../../datasets/', import.meta.url).pathname;
/** One seed and one share for every split, so train and eval agree on what was held out. */
export const HELD_OUT_SHARE = 0.1;
export const SPLIT_SEED = 20_261_121;

export interface LabelledText {
  text: string;
  label: string;
}

export interface LabelledUtterance {
  utterance: string;
  category: string;
  intent: string;
  /** Bitext's phrasing flags (B basic, L lexical variation, D indirect speech, Z noise…). */
  flags: string;
}

function labelledTsv(name: string): LabelledText[] {
  return readFileSync(join(DATASETS, name), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => {
      const [label, text] = line.split('\t');
      return { text: text ?? '', label: label === '1' ? 'positive' : 'negative' };
    });
}

export function sst2(): { train: LabelledText[]; heldOut: LabelledText[] } {
  return stratifiedSplit(labelledTsv('sst2-train.tsv'), (r) => r.label, HELD_OUT_SHARE, SPLIT_SEED);
}

/** Our own short e-commerce and support sentences: SST-2 is film reviews and never says "my refund has not arrived". */
export function commerceSentiment(): LabelledText[] {
  return labelledTsv('commerce-sentiment.tsv');
}

/**
 * Our own factual commerce sentences (order numbers, dates, deliveries): trained on as both labels, so the words
 * every order message uses ("parcel", "arrived", "invoice") carry no polarity of their own.
 */
export function commerceNeutral(): string[] {
  return tsvRecords('commerce-neutral.tsv').map((r) => r.sentence!);
}

/** Our own French commerce sentences (training data, like the English ones): Allociné reviews are about TV series. */
export function commerceSentimentFr(): LabelledText[] {
  return labelledTsv('commerce-sentiment-fr.tsv');
}

export function supportIntents(): { train: LabelledUtterance[]; heldOut: LabelledUtterance[] } {
  const rows = parseCsvRecords(readFileSync(join(DATASETS, 'support-intents-train.csv'), 'utf8')).map((r) => ({
    utterance: r.utterance ?? '',
    flags: r.flags ?? '',
    category: (r.category ?? '').toLowerCase(),
    intent: (r.intent ?? '').toLowerCase(),
  }));
  return stratifiedSplit(rows, (r) => r.intent, HELD_OUT_SHARE, SPLIT_SEED);
}

export interface Rating {
  user: string;
  item: string;
  rating: number;
  timestamp: number;
}

export function movieLensRatings(): Rating[] {
  return parseCsvRecords(readFileSync(join(DATASETS, 'ml-latest-small/ratings.csv'), 'utf8')).map((r) => ({
    user: r.userId!,
    item: r.movieId!,
    rating: Number(r.rating),
    timestamp: Number(r.timestamp),
  }));
}

export function movieGenres(): Map<string, string> {
  return new Map(parseCsvRecords(readFileSync(join(DATASETS, 'ml-latest-small/movies.csv'), 'utf8')).map((r) => [r.movieId!, (r.genres ?? '').split('|')[0]!]));
}

/** Rows of a tab-separated file with a header line, as records. */
function tsvRecords(name: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(DATASETS, name), 'utf8').split('\n').filter(Boolean);
  const columns = header!.split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

export interface WrittenMessage {
  language: 'en' | 'fr';
  intent: string;
  text: string;
}

/** Customer messages the project wrote (English and French), labelled with the support taxonomy: never trained on. */
export function supportMessages(): WrittenMessage[] {
  return tsvRecords('support-messages.tsv').map((r) => ({ language: r.language as 'en' | 'fr', intent: r.intent!, text: r.text! }));
}

/** English and French paraphrases of every support intent, written by the project as training data. */
export function supportParaphrases(): WrittenMessage[] {
  return tsvRecords('support-paraphrases.tsv').map((r) => ({ language: r.language as 'en' | 'fr', intent: r.intent!, text: r.text! }));
}

/** Shop reviews the project wrote (English and French), positive or negative: never trained on. */
export function shopReviews(): (LabelledText & { language: 'en' | 'fr' })[] {
  return tsvRecords('shop-reviews.tsv').map((r) => ({ language: r.language as 'en' | 'fr', label: r.label!, text: r.text! }));
}

/** French TV-series reviews (Allociné), lower-cased and tokenised: `label<TAB>text`, no header. */
export function frenchReviews(): { train: LabelledText[]; dev: LabelledText[] } {
  const read = (name: string) =>
    readFileSync(join(DATASETS, name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf('\t');
        return { text: line.slice(tab + 1), label: line.slice(0, tab) === '1' ? 'positive' : 'negative' };
      });
  return { train: read('french-reviews/train.tsv'), dev: read('french-reviews/dev.tsv') };
}

/** Banking77's train file, split by this project into train and validation (its public test split is never used). */
export function banking77(): { train: LabelledText[]; validation: LabelledText[] } {
  const rows = parseCsvRecords(readFileSync(join(DATASETS, 'banking77/train.csv'), 'utf8')).map((r) => ({ text: (r.text ?? '').trim(), label: r.category ?? '' }));
  const { train, heldOut } = stratifiedSplit(rows, (r) => r.label, 0.2, SPLIT_SEED);
  return { train, validation: heldOut };
}

export interface Purchase {
  member: string;
  /** Epoch milliseconds of the (UTC) day. */
  day: number;
  item: string;
}

/** Grocery purchases: one row per member, day and item (dd-mm-yyyy dates). */
export function groceryPurchases(): Purchase[] {
  return parseCsvRecords(readFileSync(join(DATASETS, 'groceries/groceries.csv'), 'utf8')).map((r) => {
    const [d, m, y] = (r.date ?? '').split('-').map(Number);
    return { member: r.transaction_number!, day: Date.UTC(y!, m! - 1, d!), item: r.items! };
  });
}
