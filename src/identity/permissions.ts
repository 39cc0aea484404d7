// The permission table: every staff route names a permission and this table says which roles hold
// it. Partner keys carry scopes instead; a scope is its own permission.
import type { StaffRole } from '../api/auth.ts';

export const STAFF_ROLES = ['admin', 'support', 'compliance', 'finance', 'agent'] as const satisfies readonly StaffRole[];

export const PERMISSIONS = [
  'users:read', // search users, open a user's page (masked personal data)
  'users:lock', // unlock an account locked by wrong PINs
  'users:freeze', // freeze / unfreeze with a reason
  'users:tier', // set tier 3 (enhanced due diligence) or lower a tier
  'staff:manage', // create staff, change roles, disable
  'partners:read',
  'partners:manage', // partners and their API keys
  'policy:publish',
  'audit:read',
  'sms:read', // the demo SMS outbox (GET /v1/admin/sms)
  'payouts:run',
  'reconciliation:read',
  'reconciliation:run', // upload a bank statement to reconcile; resolve finance tasks
  'prefunding:record', // record a partner's prefunding deposit
  'agents:manage', // onboard shops, float limits
  'merchants:manage', // register merchants, link their partner keys, see their payments
  'agents:operate', // cash-in / cash-out at a shop counter
  'agents:float', // approve or reject agents' float rebalancing (finance)
  'agents:suspend', // suspend or reactivate an agent, with a reason (admin, compliance)
  'cases:manage', // support cases and disputes
  'risk:review', // risk decisions and cases
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Record<StaffRole, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS.filter((p) => p !== 'agents:operate')),
  support: new Set<Permission>(['users:read', 'users:lock', 'users:freeze', 'sms:read', 'cases:manage']),
  compliance: new Set<Permission>(['users:read', 'users:freeze', 'users:tier', 'audit:read', 'sms:read', 'risk:review', 'cases:manage', 'agents:suspend']),
  finance: new Set<Permission>(['partners:read', 'payouts:run', 'reconciliation:read', 'reconciliation:run', 'prefunding:record', 'agents:float']),
  agent: new Set<Permission>(['agents:operate']),
};

export function staffCan(role: StaffRole, permission: string): boolean {
  return ROLE_PERMISSIONS[role]?.has(permission as Permission) ?? false;
}

export function permissionsOf(role: StaffRole): Permission[] {
  return [...ROLE_PERMISSIONS[role]].sort();
}

export const PARTNER_SCOPES = ['credits:write', 'credits:read', 'carrier:events', 'atm:operate', 'webhooks:manage', 'merchant:operate'] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

export function isPartnerScope(value: unknown): value is PartnerScope {
  return typeof value === 'string' && (PARTNER_SCOPES as readonly string[]).includes(value);
}

export function partnerCan(scopes: readonly string[], permission: string): boolean {
  return scopes.includes(permission);
}
