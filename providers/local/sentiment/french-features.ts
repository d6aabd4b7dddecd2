import { frenchLexicon } from '../natural-modules.js';
import { scopedFeatures } from './scoped-features.js';

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
 * Features for the French sentiment model, as for English (see `scopedFeatures`), lower-cased and without accents
 * (reviews are often typed without them), with the Pattern lexicon.
 */
export function frenchSentimentFeatures(text: string): string[] {
  return scopedFeatures({ clauses: fold(text.toLowerCase()).split(CLAUSES).map(tokens), isNegator: (w) => NEGATORS.has(w), polarityOf, lexicon: 'lex' });
}
