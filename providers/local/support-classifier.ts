import { parseCsvRecords } from './csv.js';
import { readDataFile } from './data-files.js';
import { NaiveBayes } from './naive-bayes.js';
import { glossFrench } from './french-glossary.js';
import { detectLanguage } from './language.js';
import { features } from './text.js';
import { SUPPORT_INTENT_CATEGORY } from '../support-taxonomy.js';

export interface LabelledUtterance {
  utterance: string;
  category: string;
  intent: string;
}

export interface SupportPrediction {
  intent: string;
  category: string;
  confidence: number;
  /** Other categories, most likely first (probabilities summed over their intents). */
  alternatives: { category: string; confidence: number }[];
}

/** The built-in `support` taxonomy: 27 intents in 11 categories, learned from the Bitext data set. */
export class SupportClassifier {
  private readonly model = new NaiveBayes();
  private readonly categoryOf = SUPPORT_INTENT_CATEGORY;

  constructor(examples: readonly LabelledUtterance[]) {
    for (const ex of examples) this.model.add(features(ex.utterance), ex.intent.toLowerCase());
  }

  get intents(): string[] {
    return this.model.labels;
  }

  get categories(): string[] {
    return [...new Set(this.intents.map((i) => this.categoryOf.get(i)!))];
  }

  /** `language` when the caller already knows it; detected otherwise. */
  classify(text: string, language: string = detectLanguage(text)): SupportPrediction {
    const english = language === 'fr' ? glossFrench(text) : text;
    const ranked = this.model.predict(features(english));
    const byCategory = new Map<string, number>();
    for (const { label, probability } of ranked) {
      const category = this.categoryOf.get(label)!;
      byCategory.set(category, (byCategory.get(category) ?? 0) + probability);
    }
    const top = ranked[0]!;
    const category = this.categoryOf.get(top.label)!;
    const alternatives = [...byCategory]
      .filter(([c]) => c !== category)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([c, p]) => ({ category: c, confidence: round(p) }));
    return { intent: top.label, category, confidence: round(byCategory.get(category) ?? top.probability), alternatives };
  }
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

export function loadSupportExamples(): LabelledUtterance[] {
  return parseCsvRecords(readDataFile('support-intents-train.csv')).map((r) => ({
    utterance: r.utterance ?? '',
    category: r.category ?? '',
    intent: r.intent ?? '',
  }));
}

let shared: SupportClassifier | undefined;

/** Trained once per process (about a third of a second) and shared by every local provider instance. */
export function supportClassifier(): SupportClassifier {
  shared ??= new SupportClassifier(loadSupportExamples());
  return shared;
}
