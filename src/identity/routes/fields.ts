// Request fields with their own stable error codes (the API maps a refinement's `params.code`),
// and the shapes of identity's responses.
import { z } from 'zod';
import { STAFF_ROLES } from '../permissions.ts';
import { CARRIERS, isCarrier, tryNormalizePhone } from '../phone.ts';
import { PIN_PATTERN } from '../weak-pin.ts';
import { OTP_PATTERN } from '../challenges.ts';
import { DEVICE_ID_PATTERN } from '../sessions.ts';
import { EMAIL_PATTERN } from '../staff.ts';
import { isPartnerScope, PARTNER_SCOPES } from '../permissions.ts';
import { ID_DOCUMENT_TYPES } from '../id-numbers.ts';

// An empty message: the catalogue's message for the code says it all.
export const coded = (code: string) => ({ params: { code }, message: '' });

export const phoneField = z
  .string()
  .max(32)
  .refine((v) => tryNormalizePhone(v) !== null, coded('invalid_phone_number'))
  .meta({ description: 'A mobile number: 010-1234-5678, +82 10 1234 5678 or 01012345678', example: '010-1234-5678' });

export const pinField = z.string().refine((v) => PIN_PATTERN.test(v), coded('invalid_pin_format')).meta({ description: 'Six digits', example: '482915' });
export const otpField = z.string().refine((v) => OTP_PATTERN.test(v), coded('invalid_otp_format')).meta({ description: 'The six-digit code from the SMS', example: '123456' });
export const deviceIdField = z.string().refine((v) => DEVICE_ID_PATTERN.test(v), coded('invalid_device_id')).meta({ description: 'A stable id the app or browser keeps (8–128 of A–Z a–z 0–9 . _ : -)' });
export const deviceLabelField = z.string().max(100).optional().meta({ description: 'A name the person recognises, e.g. "Galaxy S24"' });
export const carrierField = z
  .string()
  .refine(isCarrier, coded('invalid_carrier'))
  .pipe(z.enum(CARRIERS))
  .meta({ description: 'SKT, KT, LGU or MVNO' });
export const langField = z
  .string()
  .refine((v) => v === 'ko' || v === 'en', coded('invalid_lang'))
  .pipe(z.enum(['ko', 'en']));

function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text && text >= '1900-01-01';
}
export const birthDateField = z.string().refine(isRealDate, coded('invalid_birth_date')).meta({ description: 'YYYY-MM-DD', example: '1990-01-31' });
export const nameField = z.string().refine((v) => v.trim().length >= 1 && v.length <= 60, coded('invalid_name'));
export const reasonField = z.string().refine((v) => v.trim().length >= 3 && v.length <= 500, coded('invalid_reason')).meta({ description: 'Why (3–500 characters); kept in the audit log' });
export const emailField = z.string().max(256).refine((v) => EMAIL_PATTERN.test(v.trim().toLowerCase()), coded('invalid_email'));
export const passwordField = z.string().max(200);
export const roleField = z
  .string()
  .refine((v) => (STAFF_ROLES as readonly string[]).includes(v), coded('invalid_role'))
  .pipe(z.enum(STAFF_ROLES));
export const scopesField = z
  .array(z.string().refine(isPartnerScope, coded('invalid_scope')))
  .min(1)
  .max(PARTNER_SCOPES.length)
  .meta({ description: `Any of ${PARTNER_SCOPES.join(', ')}` });
export const tierField = z
  .number()
  .refine((v) => Number.isInteger(v) && v >= 0 && v <= 3, coded('invalid_tier'))
  .transform((v) => v as 0 | 1 | 2 | 3);
export const idDocumentTypeField = z
  .string()
  .refine((v) => (ID_DOCUMENT_TYPES as readonly string[]).includes(v), coded('invalid_id_number'))
  .pipe(z.enum(ID_DOCUMENT_TYPES));

/** Ids in paths: unknown ones are 404s from the service; absurd ones stop here. */
export const idParam = z.string().min(1).max(64);
export const idParams = z.object({ id: idParam }).strict();

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().max(64).optional(),
};

export const listOf = <T extends z.ZodType>(item: T) => z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean() });

const iso = z.string().meta({ format: 'date-time' });

export const userWire = z.object({
  id: z.string(),
  object: z.literal('user'),
  phone: z.string().nullable(),
  carrier: z.enum(CARRIERS),
  lang: z.enum(['ko', 'en']),
  tier: z.number().int(),
  status: z.enum(['active', 'closed']),
  identity: z.object({ verified: z.boolean(), name: z.string().nullable(), birth_date: z.string().nullable() }),
  frozen: z.object({ by: z.enum(['self', 'staff']), reason: z.string().nullable(), at: iso }).nullable(),
  phone_unbound: z.object({ at: iso, reason: z.string(), previous_phone: z.string().nullable() }).nullable(),
  locked_until: iso.nullable(),
  payout_hold_until: iso.nullable(),
  pin_changed_at: iso,
  created_at: iso,
});

export const sessionWire = z.object({
  id: z.string(),
  object: z.literal('session'),
  kind: z.enum(['user', 'staff']),
  device_id: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  created_at: iso,
  expires_at: iso,
  last_used_at: iso,
  revoked_at: iso.nullable(),
  current: z.boolean(),
});

export const signedInWire = z.object({ status: z.literal('active'), token: z.string().meta({ description: 'Bearer token; shown only here' }), session: sessionWire, user: userWire });
export const otpRequiredWire = z.object({ status: z.literal('otp_required'), challenge_id: z.string(), expires_at: iso });

export const challengeWire = z.object({ id: z.string(), object: z.literal('otp_challenge'), action: z.string(), channel: z.enum(['sms', 'bank_deposit']), expires_at: iso });

export const deviceWire = z.object({ id: z.string(), object: z.literal('device'), label: z.string().nullable(), first_seen_at: iso, last_seen_at: iso });

export const bankAccountWire = z.object({
  id: z.string(),
  object: z.literal('bank_account'),
  bank_code: z.string(),
  account_number_masked: z.string(),
  holder_name: z.string(),
  status: z.enum(['pending', 'verified', 'failed', 'removed']),
  created_at: iso,
  verified_at: iso.nullable(),
});

export const idDocumentWire = z.object({ type: z.enum(ID_DOCUMENT_TYPES), number_masked: z.string(), recorded_at: iso });

export const staffWire = z.object({ id: z.string(), object: z.literal('staff'), email: z.string(), name: z.string(), role: z.enum(STAFF_ROLES), status: z.enum(['active', 'disabled']), locked_until: iso.nullable(), created_at: iso });

export const partnerWire = z.object({ id: z.string(), object: z.literal('partner'), name: z.string(), status: z.enum(['active', 'disabled']), created_at: iso });

export const apiKeyWire = z.object({
  id: z.string(),
  object: z.literal('api_key'),
  partner_id: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  status: z.enum(['active', 'expiring', 'expired', 'revoked']),
  created_at: iso,
  expires_at: iso.nullable(),
  revoked_at: iso.nullable(),
  last_used_at: iso.nullable(),
  replaced_by: z.string().nullable(),
});

export const auditWire = z.object({
  id: z.string(),
  object: z.literal('audit_entry'),
  at: iso,
  actor: z.object({ kind: z.enum(['staff', 'user', 'partner', 'system']), id: z.string().nullable() }),
  action: z.string(),
  target: z.object({ kind: z.string(), id: z.string() }).nullable(),
  reason: z.string().nullable(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  request_id: z.string().nullable(),
});
