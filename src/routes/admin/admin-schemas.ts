import { Type } from 'typebox';
import { TENANT_SCOPES } from '../../keys/key-service.js';
import { Timestamp } from '../common-schemas.js';

export const ProviderList = Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }), { maxItems: 16, uniqueItems: true });
export const Metadata = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }), Type.String({ maxLength: 500 }), { maxProperties: 50 });

export const IpRuleList = Type.Array(Type.String({ minLength: 2, maxLength: 64, description: 'IPv4 or IPv6 address or CIDR' }), {
  maxItems: 200,
  uniqueItems: true,
});
export const IpRules = Type.Object(
  { allow: IpRuleList, deny: IpRuleList },
  { additionalProperties: false, description: 'deny wins; then a non-empty allow list must match' },
);

export const PlanName = Type.Union([Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }), Type.Null()], {
  description: "A plan from the config's `plans`; null = pay as you go.",
});

export const Tenant = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended')]),
  allowed_providers: Type.Union([ProviderList, Type.Null()], { description: 'null = every configured provider' }),
  metadata: Type.Record(Type.String(), Type.String()),
  ip_rules: IpRules,
  quota: Type.Record(Type.String(), Type.Integer(), { description: 'Limits by name; see PUT /admin/tenants/{id}/quota.' }),
  plan: PlanName,
  created_at: Timestamp,
});

export const AdminRoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('operator'), Type.Literal('billing'), Type.Literal('auditor')]);

export const Scope = Type.Union(TENANT_SCOPES.map((s) => Type.Literal(s)));

export const ApiKey = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('tenant'), Type.Literal('admin')]),
  tenant_id: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  mode: Type.Union([Type.Literal('bearer'), Type.Literal('signed')]),
  scopes: Type.Array(Type.String(), { description: 'empty = every scope' }),
  role: Type.Union([AdminRoleSchema, Type.Null()]),
  start: Type.String({ description: 'First 12 characters of the key, for recognising it.' }),
  created_at: Timestamp,
  expires_at: Type.Union([Timestamp, Type.Null()]),
  revoked_at: Type.Union([Timestamp, Type.Null()]),
  last_used_at: Type.Union([Timestamp, Type.Null()]),
  ip_allow: IpRuleList,
  replaced_by: Type.Union([Type.String(), Type.Null()], { description: 'After rotation: the successor key id.' }),
});

export const IssuedApiKey = Type.Object({
  ...ApiKey.properties,
  secret: Type.String({
    description: 'Bearer keys: the key itself. Signed keys: the signing secret (the key id goes in `keyid`). Shown once; store it now.',
  }),
});
