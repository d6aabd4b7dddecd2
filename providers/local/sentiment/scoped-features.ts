export interface ScopedFeatureRules {
  /** The text's words, clause by clause. */
  clauses: string[][];
  isNegator: (word: string) => boolean;
  /** A word's lexicon polarity, if it has one. */
  polarityOf: (word: string) => number | undefined;
  /** Names the lexicon features (`afinn:+3`, `lex:-2`). */
  lexicon: string;
}

/**
 * The sentiment models' features, in any language: word unigrams and bigrams with negation scope (a word after a
 * negator in the same clause is a different feature, `!word`), plus each word's lexicon polarity as a feature of its
 * own, flipped when negated, so a word the training data never showed still counts through its lexicon entry.
 */
export function scopedFeatures({ clauses, isNegator, polarityOf, lexicon }: ScopedFeatureRules): string[] {
  const out: string[] = [];
  for (const clause of clauses) {
    let negated = false;
    let previous = '';
    for (const w of clause) {
      const negator = isNegator(w);
      const token = !negator && negated ? `!${w}` : w;
      out.push(token);
      if (previous) out.push(`${previous} ${token}`);
      const polarity = polarityOf(w);
      if (polarity !== undefined) out.push(`${lexicon}:${negated ? -polarity : polarity}`);
      if (negator && !negated) out.push('negated-clause');
      if (negator) negated = true;
      previous = token;
    }
  }
  return out;
}
