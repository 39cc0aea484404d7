// The credit request as the wire carries it, one zod shape for the three ways in (single, batch,
// stream). Every refusal has its own stable code (the API maps a refinement's `params.code`), so
// that a partner fixing a file of a million lines can tell what is wrong with line 73,214.
import { z } from 'zod';
import { tryNormalizePhone } from '../../identity/index.ts';
import { MoneyError, parseAmount, type CurrencyCode, type Micros } from '../../money/index.ts';
import { idToUuid } from '../../shared/ids.ts';
import { canonicalJson } from '../../policy/index.ts';

/** Issues carry their code as params so the API's error mapper reports it verbatim. */
export const coded = (code: string) => ({ params: { code }, message: '' });

export const PARTNER_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const DESCRIPTION_CHARS_MAX = 140;
export const METADATA_KEYS_MAX = 20;
export const METADATA_KEY_CHARS_MAX = 40;
export const METADATA_BYTES_MAX = 1000;
export const BATCH_ITEMS_MAX = 10_000;
export const SOURCE = /^[a-z][a-z0-9_]{0,39}$/;

export const partnerReferenceField = z
  .string()
  .refine((v) => PARTNER_REFERENCE.test(v), coded('invalid_partner_reference'))
  .meta({ description: 'Your unique id for this credit (1–64 of A–Z a–z 0–9 _ - .): the idempotency key', example: 'task-2026-000184' });

const PHONES_REMEMBERED_MAX = 100_000;
const remembered = new Map<string, string | null>();

/**
 * tryNormalizePhone, remembered: parsing a number costs ~15 µs, and a partner's file names the
 * same people again and again. Bounded (forgotten all at once when full), so memory stays flat.
 */
export function normalizeRecipientPhone(value: string): string | null {
  const known = remembered.get(value);
  if (known !== undefined) return known;
  const phone = tryNormalizePhone(value);
  if (remembered.size >= PHONES_REMEMBERED_MAX) remembered.clear();
  remembered.set(value, phone);
  return phone;
}

const phoneField = z
  .string()
  .max(32)
  .transform((value, ctx) => {
    const phone = normalizeRecipientPhone(value);
    if (phone) return phone;
    ctx.addIssue({ code: 'custom', ...coded('invalid_phone_number') });
    return z.NEVER;
  })
  .meta({ description: 'A Korean mobile number in any usual form: 010-1234-5678, +82 10 1234 5678, 01012345678' });

const userIdField = z
  .string()
  .refine((v) => idToUuid(v, 'usr') !== null, coded('invalid_recipient'))
  .meta({ description: 'A smallchange user id (usr_…)' });

export const recipientField = z
  .object({ phone: phoneField.optional(), user_id: userIdField.optional() })
  .strict()
  .refine((r) => (r.phone === undefined) !== (r.user_id === undefined), coded('invalid_recipient'))
  .meta({ description: 'Exactly one of phone or user_id' });

/** { amount, currency } in the operator's currency, micro-unit precision, > 0. */
export function creditAmountField(currency: CurrencyCode) {
  return z
    .object({
      amount: z.string().max(40).meta({ description: 'Decimal string in major units, e.g. "12.3456"' }),
      currency: z.string().max(8),
    })
    .strict()
    .transform((wire, ctx): Micros => {
      if (wire.currency !== currency) {
        ctx.addIssue({ code: 'custom', path: ['currency'], ...coded('invalid_currency') });
        return z.NEVER;
      }
      try {
        return parseAmount(wire.amount, currency);
      } catch (error) {
        if (!(error instanceof MoneyError)) throw error;
        ctx.addIssue({ code: 'custom', path: ['amount'], params: { code: 'invalid_amount' }, message: error.message });
        return z.NEVER;
      }
    });
}

const metadataValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);

export const metadataField = z
  .record(z.string(), z.unknown())
  .refine((m) => {
    const keys = Object.keys(m);
    if (keys.length > METADATA_KEYS_MAX) return false;
    if (keys.some((k) => k.length === 0 || k.length > METADATA_KEY_CHARS_MAX)) return false;
    if (!Object.values(m).every((v) => metadataValue.safeParse(v).success)) return false;
    return Buffer.byteLength(canonicalJson(m)) <= METADATA_BYTES_MAX;
  }, coded('invalid_metadata'))
  .transform((m) => m as Record<string, string | number | boolean | null>)
  .meta({ description: 'Your own key/value pairs (≤ 20 keys, ≤ 1,000 bytes); returned as given' });

export const descriptionField = z
  .string()
  .refine((v) => v.length <= DESCRIPTION_CHARS_MAX && !/\p{Cc}/u.test(v), coded('invalid_description'));

export function creditItemSchema(currency: CurrencyCode) {
  return z
    .object({
      partner_reference: partnerReferenceField,
      recipient: recipientField,
      amount: creditAmountField(currency),
      source: z
        .string()
        .refine((v) => SOURCE.test(v), coded('unknown_source'))
        .meta({ description: 'Why the money is credited: a source of the policy (task_earning, reward, tip, content_refund, remittance, carrier_billing, promo, …)' }),
      description: descriptionField.optional(),
      metadata: metadataField.optional(),
    })
    .strict();
}

export type CreditItemWire = z.output<ReturnType<typeof creditItemSchema>>;

export function creditBatchSchema(currency: CurrencyCode) {
  const item = creditItemSchema(currency);
  return z
    .object({
      items: z
        .array(z.unknown())
        .refine((a) => a.length > 0, coded('batch_empty'))
        .refine((a) => a.length <= BATCH_ITEMS_MAX, coded('batch_too_large'))
        .pipe(z.array(item)),
    })
    .strict();
}

interface IssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  input?: unknown;
  params?: { code?: string };
}

/**
 * The first issue as { code, param }: the same mapping the API applies to request bodies
 * (api/errors.ts), for what the stream validates line by line.
 */
export function issueToError(issue: IssueLike): { code: string; param?: string; message?: string } {
  const path = issue.path.map(String).join('.');
  const param = path || undefined;
  if (issue.params?.code) return { code: issue.params.code, param, ...(issue.message ? { message: issue.message } : {}) };
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys?.[0] ?? '';
    return { code: 'unknown_field', param: [path, key].filter(Boolean).join('.') };
  }
  if (issue.code === 'invalid_type') return { code: issue.input === undefined ? 'missing_field' : 'invalid_type', param };
  return { code: 'invalid_request', param };
}
