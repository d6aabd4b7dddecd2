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

export function supportIntents(): { train: LabelledUtterance[]; heldOut: LabelledUtterance[] } {
  const rows = parseCsvRecords(readFileSync(join(DATASETS, 'support-intents-train.csv'), 'utf8')).map((r) => ({
    utterance: r.utterance ?? '',
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
