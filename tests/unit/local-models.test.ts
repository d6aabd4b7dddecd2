import { describe, expect, it } from 'vitest';
import { matchLabels } from '../../providers/local/label-matcher.js';
import { detectLanguage } from '../../providers/local/language.js';
import { scoreSentiment } from '../../providers/local/sentiment-model.js';
import { fillPlaceholders, smartReply } from '../../providers/local/smart-reply-model.js';
import { SupportClassifier, loadSupportExamples, supportClassifier } from '../../providers/local/support-classifier.js';
import { SUPPORT_TAXONOMY } from '../../providers/support-taxonomy.js';

describe('local sentiment', () => {
  it.each([
    ['I love this product, it works great', 'positive'],
    ['This is terrible, I hate it and want my money back', 'negative'],
    ['The parcel arrived on Tuesday.', 'neutral'],
    ['Ce produit est vraiment excellent, merci !', 'positive'],
    ["Ce n'est pas bon du tout, je suis très déçu", 'negative'],
  ])('%s → %s', (text, label) => {
    const result = scoreSentiment(text);
    expect(result.label).toBe(label);
    expect(result.score).toBeGreaterThanOrEqual(-1);
    expect(result.score).toBeLessThanOrEqual(1);
  });

  it('handles negation within a clause only', () => {
    expect(scoreSentiment('not good').label).toBe('negative');
    expect(scoreSentiment('not bad').label).toBe('positive');
  });

  it('detects English and French', () => {
    expect(detectLanguage('Where is my order? I paid last week')).toBe('en');
    expect(detectLanguage('Où est ma commande ? Je l’ai payée la semaine dernière')).toBe('fr');
  });
});

describe('support classifier', () => {
  it('learns the 27 intents in 11 categories', () => {
    const c = supportClassifier();
    expect(c.intents).toHaveLength(27);
    expect(c.categories.sort()).toEqual(Object.keys(SUPPORT_TAXONOMY).sort());
  });

  it('scores above 90 % on a held-out tenth of the data', () => {
    const all = loadSupportExamples();
    const train = all.filter((_, i) => i % 10 !== 0);
    const test = all.filter((_, i) => i % 10 === 0);
    const model = new SupportClassifier(train);
    const correct = test.filter((ex) => model.classify(ex.utterance).intent === ex.intent).length;
    expect(correct / test.length).toBeGreaterThan(0.9);
  });

  it('returns calibrated-looking confidences and other categories as alternatives', () => {
    const p = supportClassifier().classify('I want to cancel my order');
    expect(p).toMatchObject({ intent: 'cancel_order', category: 'order' });
    expect(p.confidence).toBeGreaterThan(0.5);
    expect(p.alternatives.every((a) => a.category !== 'order')).toBe(true);
  });
});

describe('zero-shot labels without a model', () => {
  it('prefers labels whose words appear in the text or its intent', () => {
    const r = matchLabels('I never got my refund', ['billing', 'refund request', 'shipping'], supportClassifier());
    expect(r.category).toBe('refund request');
  });

  it('is not confident when nothing matches', () => {
    const r = matchLabels('hello', ['alpha', 'beta', 'gamma'], supportClassifier());
    expect(r.confidence).toBeCloseTo(1 / 3, 2);
  });
});

describe('smart replies', () => {
  it('fills context values and drops unknown placeholders', () => {
    expect(fillPlaceholders('Hi {customer_name}! Order {order_id}.', { customer_name: 'Ana' })).toBe('Hi Ana! Order.');
  });

  it('answers in French with the customer name, formally', () => {
    const r = smartReply({ message: 'Je veux annuler ma commande', language: 'fr', tone: 'formal', context: { customer_name: 'Ana' } }, supportClassifier());
    expect(r.reply).toContain('Bonjour Ana');
    expect(r.reply).toContain('annuler');
  });

  it('escalates an angry customer who repeats themself and asks for a human', () => {
    const message = 'I want to speak to a human agent NOW, this is unacceptable!!';
    const calm = smartReply({ message: 'how do I track my order?' }, supportClassifier());
    const angry = smartReply(
      { message, conversation: [{ role: 'customer', text: 'I want to speak to a human agent' }, { role: 'agent', text: 'How can I help?' }] },
      supportClassifier(),
    );
    expect(calm.escalate).toBe(false);
    expect(angry.escalate).toBe(true);
    expect(angry.escalation_score).toBeGreaterThan(calm.escalation_score);
  });
});
