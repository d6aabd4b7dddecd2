/** The built-in `support` taxonomy (Bitext customer-support data set): category → intents. */
export const SUPPORT_TAXONOMY: Record<string, readonly string[]> = {
  account: ['create_account', 'delete_account', 'edit_account', 'recover_password', 'registration_problems', 'switch_account'],
  cancellation_fee: ['check_cancellation_fee'],
  contact: ['contact_customer_service', 'contact_human_agent'],
  delivery: ['delivery_options', 'delivery_period'],
  feedback: ['complaint', 'review'],
  invoices: ['check_invoices', 'get_invoice'],
  newsletter: ['newsletter_subscription'],
  order: ['cancel_order', 'change_order', 'place_order', 'track_order'],
  payment: ['check_payment_methods', 'payment_issue'],
  refunds: ['check_refund_policy', 'get_refund', 'track_refund'],
  shipping: ['change_shipping_address', 'set_up_shipping_address'],
};

export const SUPPORT_INTENT_CATEGORY: ReadonlyMap<string, string> = new Map(
  Object.entries(SUPPORT_TAXONOMY).flatMap(([category, intents]) => intents.map((intent) => [intent, category] as const)),
);
