// Run in a fresh process by bench/models.ts: loads every local model and prints the time and memory it took.
import { englishSentimentModel, scoreSentiment } from '../providers/local/sentiment/sentiment-model.js';
import { supportClassifier } from '../providers/local/support-classifier.js';

global.gc?.();
const before = process.memoryUsage();
const started = performance.now();
englishSentimentModel();
supportClassifier();
scoreSentiment('warm up the language detector and the French lexicon', 'auto');
scoreSentiment('et les modèles français', 'fr');
const ms = performance.now() - started;
global.gc?.();
const after = process.memoryUsage();
const mib = (x: number) => Math.round((x / 1048576) * 10) / 10;
process.stdout.write(JSON.stringify({ load_ms: Math.round(ms), heap_mib: mib(after.heapUsed - before.heapUsed), rss_mib: mib(after.rss - before.rss) }));
