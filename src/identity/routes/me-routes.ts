// A signed-in person's own account: profile, sessions, devices, PIN, freeze, codes, number, KYC.
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { principalOf, requireAuth } from '../../api/auth.ts';
import type { AppContext } from '../../api/context.ts';
import { withTransaction } from '../../db/index.ts';
import { ACTION_NAMES } from '../messages.ts';
import {
  bankAccountWire, birthDateField, coded, carrierField, challengeWire, deviceWire, idDocumentTypeField, idDocumentWire, idParams, langField, listOf, nameField,
  otpField, phoneField, pinField, sessionWire, userWire,
} from './fields.ts';
import { identityOf, typed } from './shared.ts';
import { bankAccountOut, challengeOut, deviceOut, idDocumentOut, sessionOut, userOut } from './wire.ts';

const tags = ['identity: my account'];
const security = [{ session: [] }];

/** Actions a person may ask a code for directly; modules' own flows call issueChallenge. */
export const USER_CHALLENGE_ACTIONS = Object.keys(ACTION_NAMES).filter((a) => !['register', 'login', 'pin.reset', 'phone.bind', 'default'].includes(a));

const stepUpFields = {
  challenge_id: z.string().max(64).optional().meta({ description: 'From the step_up_required error' }),
  code: otpField.optional(),
};

export function registerMeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = typed(app);
  const identity = () => identityOf(ctx);
  const db = () => ctx.database.db;
  const asUser = requireAuth(() => ctx.authenticator, { kinds: ['user'] });

  r.get('/v1/me', { onRequest: asUser, schema: { tags, security, summary: 'My account', response: { 200: userWire } } }, async (request) => {
    const me = principalOf(request, 'user');
    return userOut(await identity().getUser(db(), me.userId));
  });

  r.patch('/v1/me', {
    onRequest: asUser,
    schema: { tags, security, summary: 'Change my language', body: z.object({ lang: langField }).strict(), response: { 200: userWire } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    return userOut(await identity().setLanguage(db(), me.userId, request.body.lang));
  });

  r.get('/v1/sessions', { onRequest: asUser, schema: { tags, security, summary: 'My signed-in sessions', response: { 200: listOf(sessionWire) } } }, async (request) => {
    const me = principalOf(request, 'user');
    const sessions = await identity().listSessions(db(), me.userId);
    return { object: 'list' as const, data: sessions.map((s) => sessionOut(s, me.sessionId)), has_more: false };
  });

  r.delete('/v1/sessions/current', { onRequest: asUser, schema: { tags, security, summary: 'Sign out', response: { 200: sessionWire } } }, async (request) => {
    const me = principalOf(request, 'user');
    return sessionOut(await identity().revokeSession(db(), { userId: me.userId }, me.sessionId, 'logout'), me.sessionId);
  });

  r.delete('/v1/sessions/:id', { onRequest: asUser, schema: { tags, security, summary: 'Sign out one of my sessions', params: idParams, response: { 200: sessionWire } } }, async (request) => {
    const me = principalOf(request, 'user');
    return sessionOut(await identity().revokeSession(db(), { userId: me.userId }, request.params.id, 'revoked_by_user'), me.sessionId);
  });

  r.get('/v1/me/devices', { onRequest: asUser, schema: { tags, security, summary: 'Devices I signed in on', response: { 200: listOf(deviceWire) } } }, async (request) => {
    const me = principalOf(request, 'user');
    return { object: 'list' as const, data: (await identity().listDevices(db(), me.userId)).map(deviceOut), has_more: false };
  });

  r.delete('/v1/me/devices/:id', {
    onRequest: asUser,
    schema: { tags, security, summary: 'Forget a device: its sessions end and its next sign-in needs a code', params: idParams, response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }) } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    await withTransaction(db(), (trx) => identity().removeDevice(trx, me.userId, request.params.id));
    return { id: request.params.id, deleted: true as const };
  });

  r.post('/v1/otp-challenges', {
    onRequest: asUser,
    schema: {
      tags,
      security,
      summary: 'Ask for a step-up code bound to an action and its parameters',
      body: z.object({
        action: z.string().refine((a) => USER_CHALLENGE_ACTIONS.includes(a), coded('invalid_action')).meta({ description: USER_CHALLENGE_ACTIONS.join(', ') }),
        params: z.record(z.string(), z.unknown()).optional(),
      }).strict(),
      response: { 201: challengeWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    const challenge = await withTransaction(db(), (trx) => identity().issueChallenge(trx, me.userId, request.body.action, request.body.params ?? {}));
    return reply.code(201).send(challengeOut(challenge));
  });

  r.put('/v1/me/pin', {
    onRequest: asUser,
    schema: {
      tags,
      security,
      summary: 'Change my PIN (current PIN + SMS code; the first call answers step_up_required and sends the code)',
      body: z.object({ current_pin: pinField, new_pin: pinField, ...stepUpFields }).strict(),
      response: { 200: userWire },
    },
  }, async (request) => {
    const me = principalOf(request, 'user');
    const user = await identity().changePin(me.userId, {
      currentPin: request.body.current_pin,
      newPin: request.body.new_pin,
      proof: { challengeId: request.body.challenge_id ?? null, code: request.body.code ?? null },
      keepSessionId: me.sessionId,
    });
    return userOut(user);
  });

  r.post('/v1/me/freeze', {
    onRequest: asUser,
    schema: { tags, security, summary: 'Freeze my account at once: nothing can leave it', body: z.object({}).strict().nullish(), response: { 200: userWire } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    return userOut(await withTransaction(db(), (trx) => identity().freezeSelf(trx, me.userId, 'app')));
  });

  r.post('/v1/me/unfreeze', {
    onRequest: asUser,
    schema: { tags, security, summary: 'Lift my own freeze with PIN + SMS code', body: z.object({ pin: pinField, ...stepUpFields }).strict(), response: { 200: userWire } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    return userOut(await identity().unfreezeSelf(me.userId, request.body.pin, { challengeId: request.body.challenge_id ?? null, code: request.body.code ?? null }));
  });

  r.post('/v1/me/phone-bindings', {
    onRequest: asUser,
    schema: {
      tags,
      security,
      summary: 'Link a (new) number to my account: sends a code to it',
      body: z.object({ phone: phoneField, carrier: carrierField.optional() }).strict(),
      response: { 201: z.object({ id: z.string(), object: z.literal('phone_binding'), phone: z.string(), expires_at: z.string() }) },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    const started = await withTransaction(db(), (trx) => identity().startPhoneBinding(trx, me.userId, request.body.phone, request.body.carrier ?? null));
    return reply.code(201).send({ id: started.id, object: 'phone_binding' as const, phone: started.phone, expires_at: started.expiresAt.toISOString() });
  });

  r.post('/v1/me/phone-bindings/:id/verify', {
    onRequest: asUser,
    schema: { tags, security, summary: 'Confirm the number with its code and my PIN', params: idParams, body: z.object({ code: otpField, pin: pinField }).strict(), response: { 200: userWire } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    return userOut(await identity().completePhoneBinding(me.userId, request.params.id, request.body.code, request.body.pin));
  });

  registerKycRoutes(app, ctx);
}

function registerKycRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = typed(app);
  const identity = () => identityOf(ctx);
  const db = () => ctx.database.db;
  const asUser = requireAuth(() => ctx.authenticator, { kinds: ['user'] });
  const kycTags = ['identity: KYC'];

  r.get('/v1/me/kyc', {
    onRequest: asUser,
    schema: {
      tags: kycTags,
      security,
      summary: 'My tier and what is on file (masked)',
      response: { 200: z.object({ tier: z.number().int(), identity_verified: z.boolean(), id_document: idDocumentWire.nullable(), bank_accounts: z.array(bankAccountWire) }) },
    },
  }, async (request) => {
    const me = principalOf(request, 'user');
    const user = await identity().getUser(db(), me.userId);
    const document = await identity().getIdDocument(db(), me.userId);
    const accounts = await identity().listBankAccounts(db(), me.userId);
    return { tier: user.tier, identity_verified: user.identityVerifiedAt !== null, id_document: document ? idDocumentOut(document) : null, bank_accounts: accounts.map(bankAccountOut) };
  });

  r.post('/v1/me/kyc/identity-check', {
    onRequest: asUser,
    schema: { tags: kycTags, security, summary: 'Carrier identity check (본인확인): tier 1', body: z.object({ name: nameField, birth_date: birthDateField }).strict(), response: { 200: userWire } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    return userOut(await identity().checkIdentity(me.userId, { name: request.body.name, birthDate: request.body.birth_date }));
  });

  r.put('/v1/me/kyc/id-document', {
    onRequest: asUser,
    schema: {
      tags: kycTags,
      security,
      summary: 'Record my ID document number (encrypted; only the masked form is ever shown)',
      body: z.object({ type: idDocumentTypeField, number: z.string().max(32) }).strict(),
      response: { 200: z.object({ user: userWire, id_document: idDocumentWire }) },
    },
  }, async (request) => {
    const me = principalOf(request, 'user');
    const result = await withTransaction(db(), (trx) => identity().recordIdDocument(trx, me.userId, request.body.type, request.body.number));
    return { user: userOut(result.user), id_document: idDocumentOut(result.document) };
  });

  r.post('/v1/me/kyc/bank-accounts', {
    onRequest: asUser,
    schema: {
      tags: kycTags,
      security,
      summary: 'Add a bank account: we deposit 1 won with a code in the memo',
      body: z.object({
        bank_code: z.string().refine((v) => /^\d{3}$/.test(v), coded('invalid_bank_code')),
        account_number: z.string().max(32).refine((v) => /^\d{10,14}$/.test(v.replace(/[\s-]/g, '')), coded('invalid_account_number')),
      }).strict(),
      response: { 201: z.object({ bank_account: bankAccountWire, expires_at: z.string() }) },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    const started = await identity().startBankVerification(me.userId, request.body.bank_code, request.body.account_number);
    return reply.code(201).send({ bank_account: bankAccountOut(started.account), expires_at: started.expiresAt.toISOString() });
  });

  r.post('/v1/me/kyc/bank-accounts/:id/confirm', {
    onRequest: asUser,
    schema: {
      tags: kycTags,
      security,
      summary: 'Type back the code from the 1-won deposit memo',
      params: idParams,
      body: z.object({ code: otpField }).strict(),
      response: { 200: z.object({ user: userWire, bank_account: bankAccountWire }) },
    },
  }, async (request) => {
    const me = principalOf(request, 'user');
    const result = await identity().confirmBankAccount(me.userId, request.params.id, request.body.code);
    return { user: userOut(result.user), bank_account: bankAccountOut(result.account) };
  });
}

