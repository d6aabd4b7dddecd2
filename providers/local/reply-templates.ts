/**
 * One answer per support intent and language. `{name}` placeholders are filled from the request's `context`;
 * unknown ones are dropped. Tone wrappers (greeting, closing) are added by the smart-reply model.
 */
type Answers = Record<string, { en: string; fr: string }>;

export const INTENT_ANSWERS: Answers = {
  cancel_order: {
    en: 'I can help you cancel your order {order_id}. If it has not shipped yet, the cancellation is immediate and you will receive a confirmation by email.',
    fr: "Je peux vous aider à annuler votre commande {order_id}. Si elle n'a pas encore été expédiée, l'annulation est immédiate et vous recevrez une confirmation par e-mail.",
  },
  change_order: {
    en: 'You can change your order {order_id} as long as it has not shipped. Tell me what you would like to modify and I will update it.',
    fr: "Vous pouvez modifier votre commande {order_id} tant qu'elle n'a pas été expédiée. Dites-moi ce que vous souhaitez changer et je m'en occupe.",
  },
  place_order: {
    en: 'You can place an order from our website or app: add the items to your cart and follow the checkout steps. I am happy to guide you through it.',
    fr: 'Vous pouvez passer commande sur notre site ou notre application : ajoutez les articles au panier et suivez les étapes de paiement. Je peux vous guider.',
  },
  track_order: {
    en: 'You can follow your order {order_id} from the "My orders" page, where the tracking link is shown as soon as it ships.',
    fr: "Vous pouvez suivre votre commande {order_id} depuis la page « Mes commandes » ; le lien de suivi apparaît dès l'expédition.",
  },
  complaint: {
    en: 'I am sorry about this experience. I have recorded your complaint and a member of our team will review it and get back to you.',
    fr: "Je suis désolé pour cette expérience. J'ai enregistré votre réclamation et un membre de notre équipe va l'examiner et vous répondre.",
  },
  review: {
    en: 'Thank you for taking the time to share your feedback. It helps us improve our products and service.',
    fr: 'Merci de prendre le temps de partager votre avis. Il nous aide à améliorer nos produits et notre service.',
  },
  contact_customer_service: {
    en: 'Our customer service team is available by chat and email every day. You can also reach them from the "Contact us" page.',
    fr: 'Notre service client est disponible par chat et par e-mail tous les jours. Vous pouvez aussi le joindre depuis la page « Nous contacter ».',
  },
  contact_human_agent: {
    en: 'I am transferring you to one of our agents, who will take over this conversation shortly.',
    fr: "Je vous mets en relation avec l'un de nos conseillers, qui prendra le relais très bientôt.",
  },
  create_account: {
    en: 'You can create an account from the "Sign up" page with your email address; it only takes a minute.',
    fr: "Vous pouvez créer un compte depuis la page « S'inscrire » avec votre adresse e-mail ; cela ne prend qu'une minute.",
  },
  delete_account: {
    en: 'You can delete your account from the account settings. Please note that this removes your order history permanently.',
    fr: "Vous pouvez supprimer votre compte depuis les paramètres. Attention : l'historique de vos commandes sera définitivement effacé.",
  },
  edit_account: {
    en: 'You can update your personal details at any time from the "My account" page.',
    fr: 'Vous pouvez modifier vos informations personnelles à tout moment depuis la page « Mon compte ».',
  },
  switch_account: {
    en: 'To switch accounts, sign out and sign in again with the other account’s email address.',
    fr: "Pour changer de compte, déconnectez-vous puis reconnectez-vous avec l'adresse e-mail de l'autre compte.",
  },
  recover_password: {
    en: 'Use the "Forgot password" link on the sign-in page and we will email you a link to choose a new password.',
    fr: 'Utilisez le lien « Mot de passe oublié » sur la page de connexion : nous vous enverrons un lien pour en choisir un nouveau.',
  },
  registration_problems: {
    en: 'I am sorry you are having trouble signing up. Could you tell me which step fails and any error message you see?',
    fr: "Je suis désolé que l'inscription pose problème. Pouvez-vous me dire quelle étape échoue et le message d'erreur affiché ?",
  },
  check_cancellation_fee: {
    en: 'Cancelling before shipment is free; after that, the fee depends on your plan and is shown before you confirm.',
    fr: "L'annulation avant expédition est gratuite ; ensuite, les frais dépendent de votre offre et sont affichés avant confirmation.",
  },
  check_invoices: {
    en: 'All your invoices are available in the "Billing" section of your account.',
    fr: 'Toutes vos factures sont disponibles dans la rubrique « Facturation » de votre compte.',
  },
  get_invoice: {
    en: 'You can download the invoice for order {order_id} as a PDF from the "Billing" section of your account.',
    fr: 'Vous pouvez télécharger la facture de la commande {order_id} en PDF depuis la rubrique « Facturation » de votre compte.',
  },
  check_payment_methods: {
    en: 'We accept major credit and debit cards, PayPal and bank transfer.',
    fr: 'Nous acceptons les principales cartes bancaires, PayPal et le virement.',
  },
  payment_issue: {
    en: 'I am sorry your payment did not go through. Please check your card details or try another payment method; no amount is taken for a failed payment.',
    fr: "Je suis désolé que votre paiement n'ait pas abouti. Vérifiez les informations de votre carte ou essayez un autre moyen de paiement ; aucun montant n'est prélevé en cas d'échec.",
  },
  check_refund_policy: {
    en: 'You can return items within 30 days for a full refund, issued to your original payment method.',
    fr: "Vous pouvez retourner vos articles sous 30 jours pour un remboursement complet sur votre moyen de paiement d'origine.",
  },
  get_refund: {
    en: 'I can start a refund for order {order_id}. Once approved, it reaches your original payment method within 5 to 10 business days.',
    fr: 'Je peux lancer le remboursement de la commande {order_id}. Une fois validé, il arrive sur votre moyen de paiement sous 5 à 10 jours ouvrés.',
  },
  track_refund: {
    en: 'Your refund status is shown in "My orders"; refunds usually arrive within 5 to 10 business days after approval.',
    fr: 'Le statut de votre remboursement est visible dans « Mes commandes » ; il arrive généralement sous 5 à 10 jours ouvrés après validation.',
  },
  delivery_options: {
    en: 'We offer standard, express and pick-up point delivery; the options and prices for your address are shown at checkout.',
    fr: 'Nous proposons la livraison standard, express et en point relais ; les options et tarifs pour votre adresse sont affichés au paiement.',
  },
  delivery_period: {
    en: 'Standard delivery takes 3 to 5 business days and express delivery 1 to 2 business days.',
    fr: 'La livraison standard prend 3 à 5 jours ouvrés et la livraison express 1 à 2 jours ouvrés.',
  },
  change_shipping_address: {
    en: 'You can change the shipping address of order {order_id} until it ships, from the order details page.',
    fr: "Vous pouvez modifier l'adresse de livraison de la commande {order_id} jusqu'à son expédition, depuis le détail de la commande.",
  },
  set_up_shipping_address: {
    en: 'You can add a shipping address in "My account" under "Addresses"; it will be offered at checkout.',
    fr: 'Vous pouvez ajouter une adresse de livraison dans « Mon compte », rubrique « Adresses » ; elle vous sera proposée au paiement.',
  },
  newsletter_subscription: {
    en: 'You can subscribe to or unsubscribe from our newsletter in your account’s communication preferences.',
    fr: 'Vous pouvez vous abonner à notre newsletter ou vous désabonner depuis les préférences de communication de votre compte.',
  },
};

/** How a clarifying question names each support category, in the customer's language. */
export const CATEGORY_TOPICS: Record<string, { en: string; fr: string }> = {
  account: { en: 'your account', fr: 'votre compte' },
  cancellation_fee: { en: 'cancellation fees', fr: "des frais d'annulation" },
  contact: { en: 'reaching our team', fr: 'joindre notre équipe' },
  delivery: { en: 'a delivery', fr: 'une livraison' },
  feedback: { en: 'a complaint or a review', fr: 'une réclamation ou un avis' },
  invoices: { en: 'an invoice', fr: 'une facture' },
  newsletter: { en: 'our emails', fr: 'nos e-mails' },
  order: { en: 'an order', fr: 'une commande' },
  payment: { en: 'a payment', fr: 'un paiement' },
  refunds: { en: 'a refund or a return', fr: 'un remboursement ou un retour' },
  shipping: { en: 'a delivery address', fr: 'une adresse de livraison' },
};

/** A question back when the intent is unclear: the two likeliest topics, so the customer can pick. */
export const CLARIFY = {
  en: (a: string, b: string) => `I want to make sure I help you with the right thing: is your message about ${a} or ${b}? A few more details would help.`,
  fr: (a: string, b: string) => `Je veux être sûr de bien vous aider : votre message concerne-t-il ${a} ou ${b} ? Quelques précisions m'aideraient.`,
};

/** When the intent is unclear and the customer is upset or asks for a person: a colleague takes over. */
export const HANDOVER = {
  en: 'I am passing your message to a colleague, who will get back to you as soon as possible.',
  fr: 'Je transmets votre message à un conseiller, qui reviendra vers vous au plus vite.',
};

export const FALLBACK_ANSWER = {
  en: 'Thank you for your message. Could you give me a few more details so I can help you?',
  fr: 'Merci pour votre message. Pouvez-vous me donner quelques précisions pour que je puisse vous aider ?',
};

export const TONES = {
  friendly: {
    en: { greet: 'Hi {customer_name}!', close: 'Let me know if there is anything else I can do for you.' },
    fr: { greet: 'Bonjour {customer_name} !', close: "N'hésitez pas si je peux faire autre chose pour vous." },
  },
  formal: {
    en: { greet: 'Dear {customer_name},', close: 'Kind regards.' },
    fr: { greet: 'Bonjour {customer_name},', close: 'Cordialement.' },
  },
  concise: {
    en: { greet: '', close: '' },
    fr: { greet: '', close: '' },
  },
} as const;
