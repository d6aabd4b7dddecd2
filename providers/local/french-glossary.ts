import { words } from './text.js';

/**
 * The support classifier learned English. French messages are glossed word by word into the English words that
 * carry the intent; it is crude, but it turns "annuler ma commande" into "cancel my order" instead of noise.
 */
const GLOSSARY: Record<string, string> = {
  annuler: 'cancel', annulation: 'cancel', commande: 'order', commandes: 'order', commander: 'order purchase',
  acheter: 'buy purchase', achat: 'purchase', modifier: 'change', changer: 'change', suivre: 'track', suivi: 'track',
  où: 'where', colis: 'package', livraison: 'delivery', livrer: 'deliver', délai: 'how long', délais: 'how long',
  rembourser: 'refund', remboursement: 'refund', remboursé: 'refund', retour: 'return', facture: 'invoice', factures: 'invoices',
  paiement: 'payment', payer: 'pay', carte: 'card', moyens: 'methods', compte: 'account', créer: 'create', ouvrir: 'open',
  supprimer: 'delete', fermer: 'close', inscription: 'sign up registration', inscrire: 'sign up', mot: 'password', passe: 'password',
  oublié: 'forgot', réinitialiser: 'reset', adresse: 'address', expédition: 'shipping', frais: 'fee', newsletter: 'newsletter',
  abonner: 'subscribe', désabonner: 'unsubscribe', humain: 'human', conseiller: 'agent', agent: 'agent', personne: 'person',
  parler: 'talk speak', service: 'service', client: 'customer', contacter: 'contact', réclamation: 'complaint', plainte: 'complaint',
  avis: 'review feedback', problème: 'problem issue', erreur: 'error', aide: 'help', veux: 'want to', voudrais: 'would like to',
  je: 'i', ma: 'my', mon: 'my', mes: 'my', comment: 'how', puis: 'can',
};

/** French words the glossary knows: also evidence that a text is French. */
export const GLOSSARY_WORDS: ReadonlySet<string> = new Set(Object.keys(GLOSSARY));

export function glossFrench(text: string): string {
  return words(text)
    .map((w) => GLOSSARY[w] ?? GLOSSARY[w.replace(/^[a-z]['’]/, '')] ?? w)
    .join(' ');
}
