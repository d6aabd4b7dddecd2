import { GLOSSARY_WORDS } from './french-glossary.js';
import { frenchLexiconForms } from './natural-modules.js';
import { englishSentimentModel } from './sentiment/sentiment-model.js';
import { words } from './text.js';

const MARKERS: Record<'en' | 'fr', ReadonlySet<string>> = {
  en: new Set(
    'the and is are was were i you it this that not with for have has my your to of in on be do does did can will would please thanks thank'.split(' '),
  ),
  fr: new Set(
    'le la les un une des et est sont était je tu il elle nous vous ce cette pas avec pour mon ma mes votre vos du au aux ne merci bonjour très mais où qui que'.split(' '),
  ),
};

let frenchWords: Set<string> | undefined;

/**
 * Words that say "French": the glossary's and the French lexicon's, minus any the English model's vocabulary also
 * has ("excellent", "simple" are both).
 */
function frenchVocabulary(): Set<string> {
  if (!frenchWords) {
    const english = englishSentimentModel();
    frenchWords = new Set([...GLOSSARY_WORDS, ...frenchLexiconForms()].filter((w) => !MARKERS.en.has(w) && !english.knows(w)));
  }
  return frenchWords;
}

/** Tells English from French by common words, then by French-only vocabulary; anything undecided is English. */
export function detectLanguage(text: string): 'en' | 'fr' {
  let en = 0;
  let fr = /[àâçéèêëîïôûùüÿœ]/i.test(text) ? 1 : 0;
  const vocabulary = frenchVocabulary();
  for (const w of words(text)) {
    if (MARKERS.en.has(w)) en++;
    if (MARKERS.fr.has(w) || vocabulary.has(w)) fr++;
  }
  return fr > en ? 'fr' : 'en';
}

/** The language a local model should use: the requested one when given, else detected. */
export function resolveLanguage(requested: string | undefined, text: string): string {
  return !requested || requested === 'auto' ? detectLanguage(text) : requested;
}
