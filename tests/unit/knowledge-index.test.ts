import { describe, expect, it } from 'vitest';
import { KnowledgeIndex } from '../../providers/local/knowledge/knowledge-index.js';
import { answersFrom, smartReply } from '../../providers/local/smart-reply-model.js';
import { supportClassifier } from '../../providers/local/support-classifier.js';

const classifier = supportClassifier();
const entry = (id: string, question: string, answer: string, language: string | null = 'en') => ({ id, question, answer, tags: [], language });

const SHOP = [
  entry('refunds', 'When will I get my refund?', 'Refunds reach your card within 5 working days of our receiving the return.'),
  entry('cancel', 'How do I cancel my order?', 'Open the order in your account and choose Cancel; orders not yet shipped are cancelled at once.'),
  entry('tracking', 'Where is my parcel?', 'Follow it with the tracking link in your confirmation email.'),
  entry('battery', 'Battery warranty', 'Batteries carry a two-year warranty.'),
  entry('suivi', 'Où est mon colis ?', 'Suivez-le avec le lien de suivi de votre e-mail de confirmation.', 'fr'),
];
const index = new KnowledgeIndex(SHOP, classifier);

function replyWith(message: string, language: 'en' | 'fr' = 'en') {
  const knowledge = index.search(message, language, 3).map((hit) => ({ ...hit.entry, coverage: hit.coverage, distinctive: hit.distinctive, topic: hit.topic }));
  return smartReply({ message, language }, classifier, knowledge);
}

describe('knowledge index: words and intents', () => {
  it("finds the entry about the message's intent even when a long message shares few of its words", () => {
    const message = 'I ordered brake pads for my Clio last Tuesday and nothing has arrived yet, where is my order?';
    const [best] = index.search(message, 'en', 3);
    expect(best).toMatchObject({ entry: { id: 'tracking' }, topic: 'same' });
    expect(replyWith(message)).toMatchObject({ reply_kind: 'knowledge_base', sources: ['tracking'] });
  });

  it('never answers from an entry about another intent, however many words they share', () => {
    // "cancel" and "order" are the cancel entry's words, but the message asks about a fee.
    const message = 'Is there a fee if I cancel my order?';
    const hit = index.search(message, 'en', 3).find((h) => h.entry.id === 'cancel');
    expect(hit?.topic).toBe('other');
    expect(answersFrom(hit!)).toBe(false);
    expect(replyWith(message).sources ?? []).not.toContain('cancel');
  });

  it("with one refund entry, 'Where is my order?' is not answered with refunds", () => {
    const refundsOnly = new KnowledgeIndex([SHOP[0]!], classifier);
    const knowledge = refundsOnly.search('Where is my order?', 'en', 3).map((h) => ({ ...h.entry, coverage: h.coverage, distinctive: h.distinctive, topic: h.topic }));
    const reply = smartReply({ message: 'Where is my order?', language: 'en' }, classifier, knowledge);
    expect(reply.reply_kind).not.toBe('knowledge_base');
    expect(reply.intent).toBe('track_order');
  });

  it('entries the support taxonomy does not name answer on their words alone', () => {
    const [best] = index.search('what is the warranty on batteries?', 'en', 3);
    expect(best).toMatchObject({ entry: { id: 'battery' }, topic: 'unknown' });
    expect(replyWith('what is the warranty on batteries?')).toMatchObject({ reply_kind: 'knowledge_base', sources: ['battery'] });
  });

  it("answers in the message's language only", () => {
    expect(replyWith('Bonjour, ma commande devait arriver hier et je ne vois rien venir, où en est mon colis ?', 'fr')).toMatchObject({ reply_kind: 'knowledge_base', sources: ['suivi'] });
    expect(index.search('Where is my parcel?', 'en', 5).map((h) => h.entry.id)).not.toContain('suivi');
  });

  it('offers at most the limit, whatever the number of entries of one intent', () => {
    const many = new KnowledgeIndex(
      Array.from({ length: 300 }, (_, i) => entry(`t${i}`, `Where is my parcel number ${i}?`, 'Use the tracking link.')),
      classifier,
    );
    expect(many.search('where is my parcel', 'en', 3)).toHaveLength(3);
  });
});
