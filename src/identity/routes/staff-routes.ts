// Staff: sign-in, the user pages, account actions with a reason, staff management, audit log.
// Every route names its permission; every change is audited with the request id.
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { principalOf, requireAuth } from '../../api/auth.ts';
import type { AppContext } from '../../api/context.ts';
import type { Transaction } from 'kysely';
import { withTransaction, type DB } from '../../db/index.ts';
import type { User } from '../user.ts';
import { permissionsOf } from '../permissions.ts';
import { normalizePhone } from '../phone.ts';
import {
  auditWire, bankAccountWire, deviceWire, emailField, idDocumentWire, idParams, listOf, nameField, pageQuery, passwordField, phoneField, reasonField, roleField,
  sessionWire, staffWire, tierField, userWire,
} from './fields.ts';
import { clientOf, identityOf, perIpLimit, typed } from './shared.ts';
import { auditOut, bankAccountOut, deviceOut, idDocumentOut, sessionOut, staffOut, userOut } from './wire.ts';

const security = [{ session: [] }];

export function registerStaffRoutes(app: FastifyInstance, ctx: AppContext, attemptsPerMinute: number): void {
  const r = typed(app);
  const identity = () => identityOf(ctx);
  const db = () => ctx.database.db;
  const staffWith = (permission?: string) => requireAuth(() => ctx.authenticator, { kinds: ['staff'], ...(permission ? { permission } : {}) });
  const tags = ['staff'];

  r.post('/v1/staff/sessions', {
    config: perIpLimit(attemptsPerMinute),
    schema: {
      tags,
      summary: 'Staff sign-in with email and password',
      body: z.object({ email: emailField, password: passwordField }).strict(),
      response: { 201: z.object({ token: z.string(), session: sessionWire, staff: staffWire, permissions: z.array(z.string()) }) },
    },
  }, async (request, reply) => {
    const result = await identity().staffLogin(request.body.email, request.body.password, clientOf(request));
    return reply.code(201).send({ token: result.token, session: sessionOut(result.session, result.session.id), staff: staffOut(result.staff), permissions: permissionsOf(result.staff.role) });
  });

  r.delete('/v1/staff/sessions/current', { onRequest: staffWith(), schema: { tags, security, summary: 'Staff sign-out', response: { 200: sessionWire } } }, async (request) => {
    const me = principalOf(request, 'staff');
    const session = await withTransaction(db(), async (trx) => {
      const revoked = await identity().revokeSession(trx, { staffId: me.staffId }, me.sessionId, 'logout');
      await identity().recordAudit(trx, { actor: { kind: 'staff', id: me.staffId }, action: 'staff.signed_out', target: { kind: 'session', id: me.sessionId }, requestId: request.id });
      return revoked;
    });
    return sessionOut(session, me.sessionId);
  });

  r.get('/v1/staff/me', {
    onRequest: staffWith(),
    schema: { tags, security, summary: 'Who I am and what I may do', response: { 200: z.object({ staff: staffWire, permissions: z.array(z.string()) }) } },
  }, async (request) => {
    const me = principalOf(request, 'staff');
    const staff = await identity().getStaff(db(), me.staffId);
    return { staff: staffOut(staff), permissions: permissionsOf(staff.role) };
  });

  // ---- Users -------------------------------------------------------------------------------------
  const userTags = ['admin: users'];

  r.get('/v1/admin/users', {
    onRequest: staffWith('users:read'),
    schema: {
      tags: userTags,
      security,
      summary: 'Search users by number (current or previous), name prefix, tier, frozen',
      querystring: z.object({
        phone: phoneField.optional(),
        name: z.string().min(1).max(60).optional(),
        tier: z.enum(['0', '1', '2', '3']).optional(),
        frozen: z.enum(['true', 'false']).optional(),
        ...pageQuery,
      }).strict(),
      response: { 200: listOf(userWire) },
    },
  }, async (request) => {
    const q = request.query;
    const me = principalOf(request, 'staff');
    // Search results show personal data: who searched for what is kept.
    await identity().recordAudit(db(), { actor: { kind: 'staff', id: me.staffId }, action: 'users.searched', after: { ...q }, requestId: request.id });
    const page = await identity().searchUsers(db(), {
      ...(q.phone ? { phone: normalizePhone(q.phone) } : {}),
      ...(q.name ? { name: q.name } : {}),
      ...(q.tier ? { tier: Number.parseInt(q.tier, 10) as 0 | 1 | 2 | 3 } : {}),
      ...(q.frozen ? { frozen: q.frozen === 'true' } : {}),
      limit: q.limit,
      ...(q.starting_after ? { startingAfter: q.starting_after } : {}),
    });
    return { object: 'list' as const, data: page.data.map(userOut), has_more: page.hasMore };
  });

  r.get('/v1/admin/users/:id', {
    onRequest: staffWith('users:read'),
    schema: {
      tags: userTags,
      security,
      summary: "A user's page (personal data masked; the view is audited)",
      params: idParams,
      response: {
        200: z.object({
          user: userWire,
          locked: z.boolean(),
          devices: z.array(deviceWire),
          active_sessions: z.number().int(),
          id_document: idDocumentWire.nullable(),
          bank_accounts: z.array(bankAccountWire),
          recent_audit: z.array(auditWire),
        }),
      },
    },
  }, async (request) => {
    const me = principalOf(request, 'staff');
    const detail = await withTransaction(db(), (trx) => identity().getUserDetail(trx, { staffId: me.staffId }, request.params.id, request.id));
    return {
      user: userOut(detail.user),
      locked: detail.locked,
      devices: detail.devices.map(deviceOut),
      active_sessions: detail.activeSessions,
      id_document: detail.idDocument ? idDocumentOut(detail.idDocument) : null,
      bank_accounts: detail.bankAccounts.map(bankAccountOut),
      recent_audit: detail.recentAudit.map(auditOut),
    };
  });

  const reasonBody = z.object({ reason: reasonField }).strict();
  const userAction = (path: string, permission: string, summary: string, run: (trx: Transaction<DB>, staffId: string, userId: string, reason: string, requestId: string) => Promise<User>) => {
    r.post(path, {
      onRequest: staffWith(permission),
      schema: { tags: userTags, security, summary, params: idParams, body: reasonBody, response: { 200: userWire } },
    }, async (request) => {
      const me = principalOf(request, 'staff');
      return userOut(await withTransaction(db(), (trx) => run(trx, me.staffId, request.params.id, request.body.reason, request.id)));
    });
  };
  userAction('/v1/admin/users/:id/unlock', 'users:lock', 'Lift a PIN lockout', (trx, staffId, userId, reason, requestId) => identity().unlockUser(trx, { staffId }, userId, reason, requestId));
  userAction('/v1/admin/users/:id/freeze', 'users:freeze', 'Freeze with a reason (only staff can lift it)', (trx, staffId, userId, reason, requestId) => identity().staffFreeze(trx, { staffId }, userId, reason, requestId));
  userAction('/v1/admin/users/:id/unfreeze', 'users:freeze', 'Lift a freeze', (trx, staffId, userId, reason, requestId) => identity().staffUnfreeze(trx, { staffId }, userId, reason, requestId));

  r.post('/v1/admin/users/:id/tier', {
    onRequest: staffWith('users:tier'),
    schema: { tags: userTags, security, summary: 'Set tier 3 after enhanced due diligence, or lower a tier', params: idParams, body: z.object({ tier: tierField, reason: reasonField }).strict(), response: { 200: userWire } },
  }, async (request) => {
    const me = principalOf(request, 'staff');
    return userOut(await withTransaction(db(), (trx) => identity().staffSetTier(trx, { staffId: me.staffId }, request.params.id, request.body.tier, request.body.reason, request.id)));
  });

  // ---- Staff accounts ----------------------------------------------------------------------------
  const staffTags = ['admin: staff'];

  r.get('/v1/admin/staff', {
    onRequest: staffWith('staff:manage'),
    schema: { tags: staffTags, security, summary: 'Staff accounts', querystring: z.object(pageQuery).strict(), response: { 200: listOf(staffWire) } },
  }, async (request) => {
    const page = await identity().listStaff(db(), { limit: request.query.limit, ...(request.query.starting_after ? { startingAfter: request.query.starting_after } : {}) });
    return { object: 'list' as const, data: page.data.map(staffOut), has_more: page.hasMore };
  });

  r.post('/v1/admin/staff', {
    onRequest: staffWith('staff:manage'),
    schema: { tags: staffTags, security, summary: 'Create a staff account', body: z.object({ email: emailField, name: nameField, role: roleField, password: passwordField }).strict(), response: { 201: staffWire } },
  }, async (request, reply) => {
    const me = principalOf(request, 'staff');
    const staff = await withTransaction(db(), (trx) => identity().createStaff(trx, { staffId: me.staffId }, request.body, request.id));
    return reply.code(201).send(staffOut(staff));
  });

  r.patch('/v1/admin/staff/:id', {
    onRequest: staffWith('staff:manage'),
    schema: {
      tags: staffTags,
      security,
      summary: 'Change role, name or status; unlock a password lockout',
      params: idParams,
      body: z.object({ role: roleField.optional(), name: nameField.optional(), status: z.enum(['active', 'disabled']).optional(), unlock: z.literal(true).optional() }).strict(),
      response: { 200: staffWire },
    },
  }, async (request) => {
    const me = principalOf(request, 'staff');
    return staffOut(await withTransaction(db(), (trx) => identity().updateStaff(trx, { staffId: me.staffId }, request.params.id, request.body, request.id)));
  });

  // ---- Audit log ---------------------------------------------------------------------------------
  r.get('/v1/admin/audit-log', {
    onRequest: staffWith('audit:read'),
    schema: {
      tags: ['admin: audit'],
      security,
      summary: 'The append-only audit log, newest first',
      querystring: z.object({ actor_id: z.string().max(64).optional(), target_id: z.string().max(64).optional(), action: z.string().max(64).optional(), ...pageQuery }).strict(),
      response: { 200: listOf(auditWire) },
    },
  }, async (request) => {
    const q = request.query;
    const page = await identity().listAudit(db(), {
      limit: q.limit,
      ...(q.actor_id ? { actorId: q.actor_id } : {}),
      ...(q.target_id ? { targetId: q.target_id } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.starting_after ? { startingAfter: q.starting_after } : {}),
    });
    return { object: 'list' as const, data: page.data.map(auditOut), has_more: page.hasMore };
  });
}
