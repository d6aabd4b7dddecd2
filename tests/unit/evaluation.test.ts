import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupedSplit, nearDuplicateClusters } from '../../scripts/eval/grouped-split.js';
import { calibration } from '../../scripts/eval/report.js';

describe('evaluation helpers', () => {
  it('calibration: a model sure and right, or as unsure as it is wrong, has no error; overconfidence shows', () => {
    expect(calibration([{ confidence: 1, correct: true }, { confidence: 0.99, correct: true }]).ece).toBeCloseTo(0.005, 6);
    const honest = [...Array.from({ length: 6 }, () => ({ confidence: 0.6, correct: true })), ...Array.from({ length: 4 }, () => ({ confidence: 0.6, correct: false }))];
    expect(calibration(honest)).toEqual({ accuracy: 0.6, meanConfidence: expect.closeTo(0.6, 9), ece: expect.closeTo(0, 9) });
    const overconfident = Array.from({ length: 10 }, (_, i) => ({ confidence: 0.95, correct: i < 5 }));
    expect(calibration(overconfident).ece).toBeCloseTo(0.45, 9);
  });

  it('clusters near-duplicates per label, never across labels', () => {
    const items = [
      { text: 'I want to cancel my order please', label: 'cancel' },
      { text: 'i want to cancel my order', label: 'cancel' },
      { text: 'where is my parcel today', label: 'track' },
      { text: 'I want to cancel my order please', label: 'other' },
      { text: 'completely different words here', label: 'cancel' },
    ];
    const c = nearDuplicateClusters(items, (i) => i.text, (i) => i.label);
    expect(c[0]).toBe(c[1]);
    expect(new Set([c[0], c[2], c[3], c[4]]).size).toBe(4);
  });

  it('a grouped split never puts one cluster on both sides, and holds out about the share asked of every label', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ text: fc.constantFrom('a b c', 'a b c d', 'x y z', 'x y', 'p q r s', 'u v w', 'k l m'), label: fc.constantFrom('one', 'two') }), { minLength: 1, maxLength: 80 }),
        (items) => {
          const { train, heldOut } = groupedSplit(items, (i) => i.text, (i) => i.label, 0.3, 7);
          expect(train.length + heldOut.length).toBe(items.length);
          const cluster = nearDuplicateClusters(items, (i) => i.text, (i) => i.label);
          const clusterOf = new Map(items.map((item, i) => [item, cluster[i]!]));
          const trainClusters = new Set(train.map((i) => clusterOf.get(i)));
          for (const i of heldOut) expect(trainClusters.has(clusterOf.get(i))).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
