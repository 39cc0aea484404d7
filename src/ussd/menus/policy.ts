// The policy summary: the caller's tier and limits, the cash-out fees, and their rights, all read
// from the policy in force — the same numbers the services apply — with the link to the full text.
import type { FeeRule, Policy } from '../../policy/index.ts';
import type { Micros } from '../../money/index.ts';
import { ussdMoney } from '../format.ts';
import type { Messages } from '../messages.ts';
import type { NodeTable, Turn } from '../node.ts';

/** The rule in words: "KRW 500", "1% (KRW 500 to KRW 3,000)"; bounds only where they bite. */
function feeLine(m: Messages, channel: string, rule: FeeRule, money: (amount: Micros) => string): string {
  const parts = [...(rule.fixed > 0n || rule.percent_bps === 0 ? [money(rule.fixed)] : []), ...(rule.percent_bps > 0 ? [m.percent(rule.percent_bps)] : [])];
  const lower = rule.min > rule.fixed ? rule.min : null;
  const upper = rule.max !== null && (rule.percent_bps > 0 || rule.max < rule.fixed) ? rule.max : null;
  const bounds = lower !== null && upper !== null ? m.feeBetween(money(lower), money(upper)) : lower !== null ? m.feeAtLeast(money(lower)) : upper !== null ? m.feeAtMost(money(upper)) : null;
  return m.policyFee(channel, bounds ? `${parts.join(' + ')} ${bounds}` : parts.join(' + '), rule.free_allowance_per_month);
}

export async function policyLines(turn: Turn, policy: Policy): Promise<string[]> {
  const m = turn.m;
  const tierNumber = turn.state.userId ? (await turn.user()).tier : 0;
  const tier = policy.tiers.find((t) => t.tier === tierNumber) ?? policy.tiers[0]!;
  const money = (amount: Micros) => ussdMoney(amount, policy.currency, turn.lang);
  return [
    m.policyTier(tier.name[turn.lang], money(tier.balance_cap)),
    m.policyCashoutLimits(money(tier.cash_out.daily), money(tier.cash_out.monthly)),
    m.policyCashoutMinimum(money(policy.cashout.minimum)),
    feeLine(m, m.channelBank, policy.fees.bank, money),
    feeLine(m, m.channelAgent, policy.fees.agent, money),
    m.policyFreeze,
    m.policyDisputes(policy.disputes.file_within_days, policy.disputes.resolve_within_days),
    m.policyLink(`${turn.deps.publicUrl}/policy?lang=${turn.lang}`),
  ];
}

export const policyNodes: NodeTable = {
  policy: {
    async screen(turn) {
      return { title: turn.m.policyTitle, lines: await policyLines(turn, await turn.policy()) };
    },
  },
};
