// The policy module's public face: other modules import only from here.
export * from './constants.ts';
export { POLICY_ERRORS, type PolicyErrorCode } from './errors.ts';
export {
  validatePolicy,
  policyWireSchema,
  isTimeZone,
  type Policy,
  type PolicyWire,
  type PolicyIssue,
  type PolicyValidation,
  type TierPolicy,
  type SourcePolicy,
  type FeeRule,
  type RateRule,
  type ProcessingRule,
  type BatchingRule,
  type Holiday,
  type RightsText,
} from './schema.ts';
export { policyToDocument, policyToWire, documentChecksum, canonicalJson, type PolicyDocument } from './document.ts';
export { parsePolicyYaml, loadPolicyDocument, loadDefaultPolicy, DEFAULT_POLICY_PATH, POLICY_YAML_CHARS_MAX, type LoadedPolicy } from './load.ts';
export {
  localDateTime,
  toLocalDate,
  zonedInstant,
  minutesOfDay,
  addDays,
  weekdayOf,
  parseLocalDate,
  formatLocalDate,
  localDayWindow,
  localMonthWindow,
  holidayOn,
  calendarCoversYear,
  isWeekend,
  isBusinessDay,
  nextBusinessDay,
  previousBusinessDay,
  addBusinessDays,
  type LocalDate,
  type LocalDateTime,
  type TimeWindow,
  type CalendarPolicy,
} from './calendar.ts';
export { expectedArrival, type ArrivalEstimate, type ArrivalReason } from './arrival.ts';
export { computeFee, computeCommission, type FeeResult, type FeeBreakdown, type RateBreakdown, type FeeAdjustment } from './fees.ts';
export {
  evaluateLimits,
  limitHeadroom,
  evaluateBalanceCap,
  splitAtBalanceCap,
  selfLimitEffectiveAt,
  limitRefusalError,
  tierPolicy,
  type LimitDecision,
  type LimitHeadroom,
  type LimitRequest,
  type LimitUsage,
  type PeriodUsage,
  type SelfCaps,
  type SelfLimits,
  type LimitPeriod,
  type LimitScope,
  type LimitRefusalCode,
  type BalanceCapDecision,
} from './limits.ts';
export { interpolate } from './rights.ts';
export { diffDocuments, formatChanges, type PolicyChange } from './diff.ts';
export {
  getVersion,
  policyInForce,
  listVersions,
  latestVersion,
  publishVersion,
  seedDefaultPolicy,
  type PolicyVersion,
  type PolicyVersionSummary,
  type PublishInput,
} from './store.ts';
export { PolicyService, POLICY_REFRESH_MS_DEFAULT, type PolicyServiceOptions, type PolicyVersionStatus } from './service.ts';
export { renderPolicyPage } from './render.ts';
export { policyRoutes } from './routes.ts';
