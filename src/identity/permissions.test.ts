import { describe, expect, test } from 'vitest';
import { PERMISSIONS, STAFF_ROLES, partnerCan, permissionsOf, staffCan } from './permissions.ts';
import { canonicalJson } from './secrets.ts';
import fc from 'fast-check';

describe('the permission table', () => {
  test('who may do what', () => {
    expect(staffCan('support', 'users:lock')).toBe(true);
    expect(staffCan('support', 'users:tier')).toBe(false);
    expect(staffCan('compliance', 'users:tier')).toBe(true);
    expect(staffCan('compliance', 'audit:read')).toBe(true);
    expect(staffCan('finance', 'prefunding:record')).toBe(true);
    expect(staffCan('finance', 'users:read')).toBe(false);
    expect(staffCan('agent', 'agents:operate')).toBe(true);
    expect(staffCan('agent', 'users:read')).toBe(false);
    expect(staffCan('admin', 'partners:manage')).toBe(true);
    expect(staffCan('admin', 'policy:publish')).toBe(true);
  });

  test('unknown permissions and roles are refused', () => {
    expect(staffCan('admin', 'everything')).toBe(false);
    expect(staffCan('root' as never, 'users:read')).toBe(false);
  });

  test('every role holds only known permissions', () => {
    for (const role of STAFF_ROLES) for (const p of permissionsOf(role)) expect(PERMISSIONS).toContain(p);
  });

  test('partner scopes are their own permissions', () => {
    expect(partnerCan(['credits:write'], 'credits:write')).toBe(true);
    expect(partnerCan(['credits:read'], 'credits:write')).toBe(false);
  });
});

describe('canonical JSON for binding codes to parameters', () => {
  test('key order does not matter; values do (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.integer(), fc.string(), fc.boolean())), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        return canonicalJson(record) === canonicalJson(reversed);
      }),
    );
    expect(canonicalJson({ amount: 5n })).toBe('{"amount":"5"}');
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
  });
});
