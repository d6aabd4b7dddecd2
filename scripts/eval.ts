// `npm run eval`: every local model measured on data from another source or another phrasing than its training data,
// each beside a simple baseline, with calibration; the old in-distribution figure only as context (fixed seeds).
import { markdown, type Row } from './eval/report.js';
import { recommendationRows } from './eval/recommendations.js';
import { sentimentRows } from './eval/sentiment.js';
import { supportRows } from './eval/support.js';
import { taxonomyRows } from './eval/taxonomy.js';

const started = performance.now();
const rows: Row[] = [...sentimentRows(), ...supportRows(), ...taxonomyRows(), ...recommendationRows()];
process.stdout.write(`${markdown(rows)}\n\nevaluated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
