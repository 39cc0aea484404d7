// Configuration is read once from the environment, validated by zod, and documented in the
// README's table. Nothing else in the code reads process.env.
import { z } from 'zod';

const keyList = z
  .string()
  .transform((text) => text.split(',').map((part) => part.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^\d+:[A-Za-z0-9+/=_-]{16,}$/, 'each key is "version:secret" (secret ≥ 16 chars)')).min(1));

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Public base URL printed in the banner and used in SMS links. */
  PUBLIC_URL: z.string().url().optional(),
  /** PIN pepper keys, "version:secret,…"; the highest version hashes new PINs. */
  PIN_KEYS: keyList.default(['1:demo-pin-pepper-change-me-0001']),
  /** Data keys for personal identifiers (ID numbers, bank accounts), "version:secret,…". */
  DATA_KEYS: keyList.default(['1:demo-data-key-change-me-000001']),
  /** Seed the demo world on an empty database at start. */
  DEMO: z.enum(['on', 'off']).default('on'),
  /** Ledger group commit: the longest a caller waits for others to join its batch. */
  LEDGER_BATCH_WINDOW_US: z.coerce.number().int().min(0).max(100_000).default(200),
  /** Ledger group commit: the most transfers written in one database transaction. */
  LEDGER_BATCH_MAX: z.coerce.number().int().min(1).max(8190).default(1000),
  /** Ledger group commit: batches in flight at once (they serialise only on the chain head). */
  LEDGER_COMMITTERS: z.coerce.number().int().min(1).max(16).default(2),
  /** Time zone for business days, limit periods, statements. */
  OPERATOR_TIME_ZONE: z.string().default('Asia/Seoul'),
  /**
   * Shared secrets of the USSD gateway, "secret,…" (several while rotating): POST /ussd answers
   * only requests carrying one in the X-USSD-Gateway-Secret header.
   */
  USSD_GATEWAY_SECRETS: z
    .string()
    .transform((text) => text.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(z.string().min(16, 'each USSD gateway secret has at least 16 characters')).min(1))
    .default(['demo-ussd-gateway-secret-change-me']),
  /** Start the in-process simulators (bank, wallet partner, carrier, ATM). */
  SIMULATORS: z.enum(['on', 'off']).default('on'),
  /** Partner wallet provider's API base URL; unset with SIMULATORS=on: the in-process simulator. */
  WALLET_API_URL: z.string().url().optional(),
  /** Our API key at the wallet provider (sent as a bearer token). */
  WALLET_API_KEY: z.string().min(16).default('demo-wallet-api-key-change-me'),
  /** Standard Webhooks secret the wallet provider signs its answers with ("whsec_" + base64). */
  WALLET_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'a Standard Webhooks secret: whsec_ + base64 of ≥ 24 bytes').default('whsec_c21hbGxjaGFuZ2UtZGVtby13YWxsZXQtc2VjcmV0ISE='),
  /** One call to the wallet provider at most this long (each of at most 3 attempts). */
  WALLET_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Port of the in-process wallet provider simulator (SIMULATORS=on); 0 picks a free one. */
  WALLET_SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  /** Standard Webhooks secrets the ATM network signs its requests with ("whsec_…", comma-separated: rotation). */
  ATM_SIGNING_SECRETS: z
    .string()
    .transform((text) => text.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'a Standard Webhooks secret: whsec_ + base64 of ≥ 24 bytes')).min(1))
    .default(['whsec_c21hbGxjaGFuZ2UtZGVtby1hdG0tbmV0d29yay1zZWNyZXQ=']),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`invalid configuration:\n${problems}`);
  }
  return parsed.data;
}
