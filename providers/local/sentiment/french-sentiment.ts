import { SentimentAnalyzer } from '../natural-modules.js';
import { words } from '../text.js';

const FRENCH_NEGATIONS = ['pas', 'jamais', 'rien', 'aucun', 'aucune', 'personne', 'ni', 'guère', 'sans', 'plus'];
/**
 * Set phrases whose meaning is not the sum of their words ("pas terrible" is bad, "pas mal" is rather good), each with
 * the lower-case strings one of which any match contains: most texts hold none, and a substring test is far cheaper
 * than the Unicode regex it spares.
 */
const IDIOMS: [RegExp, number, string[]][] = [
  [/\bpas (?:si |très |trop )?terrible\b/giu, -0.6, ['terrible']],
  [/\bpas mal\b/giu, 0.8, ['pas mal']],
  [/\brien à (?:redire|reprocher|dire)\b/giu, 0.8, ['rien à']],
  [/\bpas top\b/giu, -0.5, ['pas top']],
  [/\bà éviter\b/giu, -0.7, ['à éviter']],
  [/\bau top\b/giu, 0.7, ['au top']],
  [/\bnul(?:le|s|les)?\b/giu, -0.7, ['nul']],
  [/\b(?:déçu|déçue|déçus|déçues|décevant|décevante|déception)\b/giu, -0.6, ['déç', 'déce']],
  [/\b(?:arnaque|horrible|catastrophique|inadmissible|inacceptable)\b/giu, -0.8, ['arnaque', 'horrible', 'catastrophique', 'inadmissible', 'inacceptable']],
  [/\b(?:rapide|efficace|parfait|parfaite|impeccable|génial|géniale|ravi|ravie|merci)\b/giu, 0.5, ['rapide', 'efficace', 'parfait', 'impeccable', 'génial', 'ravi', 'merci']],
  [/\b(?:lent|lente|cassé|cassée|abîmé|abîmée|retard|jamais reçu)\b/giu, -0.5, ['lent', 'cassé', 'abîmé', 'retard', 'jamais reçu']],
];
const CLAUSES = /[.!?;,:\n]+|\b(?:mais|cependant|pourtant|toutefois)\b/iu;

let analyzer: ReturnType<typeof build> | undefined;
function build() {
  const a = new SentimentAnalyzer('French', null, 'pattern');
  a.negations = FRENCH_NEGATIONS; // natural ships no French negation list
  return a;
}

/**
 * The rule half of French sentiment: the Pattern adjective lexicon (via natural) scored clause by clause with French
 * negations, plus set phrases and common review words the lexicon misses. Returns a polarity in about −1..1, and the
 * text without its set phrases (for word-level models, which would misread "pas mal" as a negated "mal").
 */
export function frenchPolarity(text: string): { polarity: number; evidence: number; withoutSetPhrases: string } {
  analyzer ??= build();
  let rest = text;
  let withoutSetPhrases = text;
  let polarity = 0;
  let evidence = 0;
  const lower = text.toLowerCase();
  for (const [pattern, value, keys] of IDIOMS) {
    if (!keys.some((k) => lower.includes(k))) continue;
    rest = rest.replace(pattern, () => {
      polarity += value;
      evidence++;
      return ' ';
    });
    // Single cue words stay for the models, which see their negation ("pas déçu"); phrases go.
    if (pattern.source.includes(' ')) withoutSetPhrases = withoutSetPhrases.replace(pattern, ' ');
  }
  for (const clause of rest.split(CLAUSES)) {
    const tokens = words(clause);
    if (tokens.length === 0) continue;
    const score = analyzer.getSentiment(tokens) * tokens.length;
    if (score !== 0) evidence++;
    polarity += score;
  }
  return { polarity, evidence, withoutSetPhrases };
}
