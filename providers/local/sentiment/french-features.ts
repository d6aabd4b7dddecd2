import { frenchLexicon } from '../natural-modules.js';

/** Words that flip what follows them, up to the end of the clause ("ne … pas", "jamais", "sans"…). */
const NEGATORS = new Set(['ne', 'n', 'pas', 'jamais', 'rien', 'aucun', 'aucune', 'personne', 'ni', 'sans', 'guere', 'nul', 'nulle']);
/** Clause boundaries: punctuation, and contrast words after which the mood often turns. */
const CLAUSES = /[.,!?;:()\n"«»]+|\s(?:mais|cependant|pourtant|toutefois|sauf)\s/u;
/** Elided articles and pronouns ("l'", "qu'", "n'") become words of their own; accents are folded away. */
const ELISION = /\b(c|d|j|l|m|n|s|t|qu|jusqu|lorsqu|puisqu)['’]/gu;

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}+/gu, '');

/** The Pattern lexicon's polarity per folded word form, in steps of a quarter (−4..4, zero left out). */
let lexicon: Map<string, number> | undefined;
function polarityOf(word: string): number | undefined {
  lexicon ??= new Map([...frenchLexicon()].map(([form, polarity]) => [fold(form), Math.round(polarity * 4)] as const).filter(([, p]) => p !== 0));
  return lexicon.get(word);
}

function tokens(clause: string): string[] {
  return clause.replace(ELISION, '$1 ').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/**
 * Features for the French sentiment model, as for English: word unigrams and bigrams with negation scope (a word after
 * "pas" in the same clause is `!word`), lower-cased and without accents (reviews are often typed without them), plus
 * the Pattern lexicon's polarity of each word (`lex:+2`), so a word the training data never showed still counts.
 */
export function frenchSentimentFeatures(text: string): string[] {
  const out: string[] = [];
  for (const clause of fold(text.toLowerCase()).split(CLAUSES)) {
    let negated = false;
    let previous = '';
    for (const w of tokens(clause)) {
      const negator = NEGATORS.has(w);
      const token = !negator && negated ? `!${w}` : w;
      out.push(token);
      if (previous) out.push(`${previous} ${token}`);
      const polarity = polarityOf(w);
      if (polarity !== undefined) out.push(`lex:${negated ? -polarity : polarity}`);
      if (negator && !negated) out.push('negated-clause');
      if (negator) negated = true;
      previous = token;
    }
  }
  return out;
}
