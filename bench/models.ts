// In-process figures for the local models: load time and memory (fresh process), and single-core throughput.
import { execFileSync } from 'node:child_process';
import { frenchReviews, sst2, supportIntents } from '../providers/local/datasets.js';
import { scoreSentiment } from '../providers/local/sentiment/sentiment-model.js';
import { supportClassifier } from '../providers/local/support-classifier.js';
import { median } from './stats.js';

const root = new URL('..', import.meta.url).pathname;

/** Texts of about 200 characters, built from held-out sentences. */
function texts200(source: string[]): string[] {
  const out: string[] = [];
  let current = '';
  for (const s of source) {
    current = current ? `${current} ${s}` : s;
    if (current.length >= 200) {
      out.push(current.slice(0, 200));
      current = '';
    }
    if (out.length >= 2_000) break;
  }
  return out;
}

function perSecond(inputs: string[], run: (text: string) => unknown): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const started = performance.now();
    for (const text of inputs) run(text);
    rounds.push((inputs.length / (performance.now() - started)) * 1000);
  }
  return median(rounds);
}

export function modelFigures(): string[] {
  const load = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/model-load.ts'], { cwd: root, encoding: 'utf8' }),
  ) as { load_ms: number; heap_mib: number; rss_mib: number };
  const sentimentTexts = texts200(sst2().heldOut.map((r) => r.text));
  const supportTexts = texts200(supportIntents().heldOut.map((r) => r.utterance));
  const classifier = supportClassifier();
  const sentimentRate = perSecond(sentimentTexts, (t) => scoreSentiment(t, 'en'));
  const sentimentAuto = perSecond(sentimentTexts, (t) => scoreSentiment(t));
  const frenchRate = perSecond(texts200(frenchReviews().dev.map((r) => r.text)), (t) => scoreSentiment(t, 'fr'));
  const categoriseRate = perSecond(supportTexts, (t) => classifier.classify(t, 'en'));
  return [
    `Local models load in ${load.load_ms} ms (fresh process), heap +${load.heap_mib} MiB, RSS +${load.rss_mib} MiB`,
    `Sentiment, 200-character texts, one core: ${Math.round(sentimentRate)}/s (language given), ${Math.round(sentimentAuto)}/s (language detected), French ${Math.round(frenchRate)}/s`,
    `Categorisation (support), 200-character texts, one core: ${Math.round(categoriseRate)}/s`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${modelFigures().join('\n')}\n`);
