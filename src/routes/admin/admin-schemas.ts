import { Type } from 'typebox';
import { TENANT_SCOPES } from '../../keys/key-service.js';
import { Timestamp } from '../common-schemas.js';

export const ProviderList = Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }), { maxItems: 16, uniqueItems: true });
export const Metadata = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }), Type.String({ maxLength: 500 }), { maxProperties: 50 });

export const Tenant = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended')]),
  allowed_providers: Type.Union([ProviderList, Type.Null()], { description: 'null = every configured provider' }),
  metadata: Type.Record(Type.String(), Type.String()),
  created_at: Timestamp,
});

export const Scope = Type.Union(TENANT_SCOPES.map((s) => Type.Literal(s)));

export const ApiKey = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('tenant'), Type.Literal('admin')]),
  tenant_id: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  mode: Type.Union([Type.Literal('bearer'), Type.Literal('signed')]),
  scopes: Type.Array(Type.String(), { description: 'empty = every scope' }),
  role: Type.Union([Type.String(), Type.Null()]),
  start: Type.String({ description: 'First 12 characters of the key, for recognising it.' }),
  created_at: Timestamp,
  expires_at: Type.Union([Timestamp, Type.Null()]),
  revoked_at: Type.Union([Timestamp, Type.Null()]),
  last_used_at: Type.Union([Timestamp, Type.Null()]),
});

export const IssuedApiKey = Type.Object({ ...ApiKey.properties, secret: Type.String({ description: 'The key itself. Shown once; store it now.' }) });
