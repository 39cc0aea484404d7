// Routes without a session: registration, login, PIN reset.
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../api/context.ts';
import { withTransaction } from '../../db/index.ts';
import { birthDateField, carrierField, deviceIdField, deviceLabelField, idParams, langField, otpField, otpRequiredWire, phoneField, pinField, nameField, signedInWire } from './fields.ts';
import { clientOf, identityOf, perIpLimit, typed } from './shared.ts';
import { sessionOut, userOut } from './wire.ts';
import type { SignedIn } from '../registration.ts';

const tags = ['identity: sign-up and sign-in'];

function signedIn(result: SignedIn) {
  return { status: 'active' as const, token: result.token, session: sessionOut(result.session, result.session.id), user: userOut(result.user) };
}

export function registerPublicRoutes(app: FastifyInstance, ctx: AppContext, attemptsPerMinute: number): void {
  const r = typed(app);
  const identity = () => identityOf(ctx);

  r.post('/v1/registrations', {
    config: perIpLimit(attemptsPerMinute),
    schema: {
      tags,
      summary: 'Start registration: sends a code by SMS',
      body: z.object({ phone: phoneField, carrier: carrierField, lang: langField.default('ko') }).strict(),
      response: { 201: z.object({ id: z.string(), object: z.literal('registration'), phone: z.string(), expires_at: z.string() }) },
    },
  }, async (request, reply) => {
    const registration = await withTransaction(ctx.database.db, (trx) => identity().startRegistration(trx, request.body));
    return reply.code(201).send({ id: registration.id, object: 'registration' as const, phone: registration.phone, expires_at: registration.expiresAt.toISOString() });
  });

  r.post('/v1/registrations/:id/verify', {
    config: perIpLimit(attemptsPerMinute),
    schema: {
      tags,
      summary: 'Finish registration with the SMS code and a new PIN; signs in',
      params: idParams,
      body: z.object({ code: otpField, pin: pinField, device_id: deviceIdField, device_label: deviceLabelField }).strict(),
      response: { 201: signedInWire },
    },
  }, async (request, reply) => {
    const result = await identity().completeRegistration({
      registrationId: request.params.id,
      code: request.body.code,
      pin: request.body.pin,
      deviceId: request.body.device_id,
      deviceLabel: request.body.device_label ?? null,
      client: clientOf(request),
    });
    return reply.code(201).send(signedIn(result));
  });

  r.post('/v1/sessions', {
    config: perIpLimit(attemptsPerMinute),
    schema: {
      tags,
      summary: 'Sign in with phone and PIN; a new device also needs the SMS code (202)',
      body: z.object({ phone: phoneField, pin: pinField, device_id: deviceIdField, device_label: deviceLabelField }).strict(),
      response: { 201: signedInWire, 202: otpRequiredWire },
    },
  }, async (request, reply) => {
    const result = await identity().login({ phone: request.body.phone, pin: request.body.pin, deviceId: request.body.device_id, deviceLabel: request.body.device_label ?? null, client: clientOf(request) });
    if (result.status === 'otp_required') {
      return reply.code(202).send({ status: 'otp_required' as const, challenge_id: result.challengeId, expires_at: result.expiresAt.toISOString() });
    }
    return reply.code(201).send(signedIn(result));
  });

  r.post('/v1/sessions/verify', {
    config: perIpLimit(attemptsPerMinute),
    schema: {
      tags,
      summary: 'Finish signing in on a new device with the SMS code',
      body: z.object({ challenge_id: z.string().max(64), code: otpField, device_id: deviceIdField, device_label: deviceLabelField }).strict(),
      response: { 201: signedInWire },
    },
  }, async (request, reply) => {
    const result = await identity().completeLogin({ challengeId: request.body.challenge_id, code: request.body.code, deviceId: request.body.device_id, deviceLabel: request.body.device_label ?? null, client: clientOf(request) });
    return reply.code(201).send(signedIn(result));
  });

  r.post('/v1/pin-resets', {
    config: perIpLimit(attemptsPerMinute),
    schema: {
      tags,
      summary: 'Forgotten PIN: sends a code to the number (the answer is the same for unregistered numbers)',
      body: z.object({ phone: phoneField }).strict(),
      response: { 201: z.object({ id: z.string(), object: z.literal('pin_reset'), expires_at: z.string() }) },
    },
  }, async (request, reply) => {
    const reset = await withTransaction(ctx.database.db, (trx) => identity().startPinReset(trx, request.body.phone));
    return reply.code(201).send({ id: reset.id, object: 'pin_reset' as const, expires_at: reset.expiresAt.toISOString() });
  });

  r.post('/v1/pin-resets/:id/complete', {
    config: perIpLimit(attemptsPerMinute),
    schema: {
      tags,
      summary: 'Set a new PIN with the code (tier ≥ 1: name and birth date for the carrier check again); holds payouts for a while',
      params: idParams,
      body: z.object({ code: otpField, new_pin: pinField, device_id: deviceIdField, device_label: deviceLabelField, name: nameField.optional(), birth_date: birthDateField.optional() }).strict(),
      response: { 201: signedInWire },
    },
  }, async (request, reply) => {
    const { name, birth_date: birthDate } = request.body;
    const result = await identity().completePinReset({
      resetId: request.params.id,
      code: request.body.code,
      newPin: request.body.new_pin,
      deviceId: request.body.device_id,
      deviceLabel: request.body.device_label ?? null,
      identity: name && birthDate ? { name, birthDate } : null,
      client: clientOf(request),
    });
    return reply.code(201).send(signedIn(result));
  });
}
