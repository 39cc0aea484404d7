// Micro-credits: the public face (wallets/index.ts re-exports it).
export { CreditsService, type CreditsServiceOptions } from './service.ts';
export { CreditJobs, CREDIT_JOBS_INTERVAL_MS, type JobsRun } from './jobs.ts';
export { creditRoutes, createCreditRoutes, CREDIT_REQUESTS_PER_MINUTE_MAX } from './routes.ts';
export { CREDIT_ERRORS, type CreditErrorCode } from './errors.ts';
export { CREDIT_STATUSES, type CreditStatus, type FundingClass } from './plan.ts';
export { CREDIT_EVENTS, type CreditEvent } from './notices.ts';
export { creditUuid, creditIdOf, toCreditRequest, type CreditRequest } from './request.ts';
export type { ParkInput, ClaimOutcome } from './unclaimed.ts';
export type { ReleaseOutcome } from './held.ts';
export type { CreditView } from './view.ts';
export type { ItemResult } from './ingest.ts';
export { CHUNK_SIZE as CREDIT_CHUNK_SIZE } from './ingest.ts';
// The NDJSON stream service (POST /v1/credits/stream), also driven by `smallchange credits import`.
export { processCreditStream, type StreamSummary } from './stream.ts';
