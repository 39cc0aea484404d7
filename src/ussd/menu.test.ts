// The main menu's fixed order, and which entries it shows: cash-out only when the cash-out
// service is wired, the agent-code and voucher places only when a feature fills them.
import { describe, expect, test } from 'vitest';
import type { CashoutService } from '../cashout/index.ts';
import type { UssdDeps } from './deps.ts';
import type { UssdFeature } from './feature.ts';
import type { ScreenSpec } from './layout.ts';
import { messagesFor } from './messages.ts';
import { go, type Turn } from './node.ts';
import { buildNodes } from './service.ts';

const deps = (over: Partial<UssdDeps>) => ({ publicUrl: 'https://sc.example', ...over }) as UssdDeps;
const turn = { lang: 'en', m: messagesFor('en'), state: { data: {} } } as unknown as Turn;

async function menuOf(over: Partial<UssdDeps>): Promise<string[]> {
  const spec = (await buildNodes(deps(over)).main!.screen(turn)) as ScreenSpec;
  return (spec.options ?? []).map((o) => `${o.key} ${o.label}`);
}

const feature = (slot: UssdFeature['slot'], label: string, node: string): UssdFeature => ({
  slot,
  entry: { label: () => label, node },
  nodes: { [node]: { screen: () => ({ lines: [label] }), answer: () => go('main') } },
});

describe('main menu', () => {
  test('without cash-out or features: no such entries, numbers close up', async () => {
    expect(await menuOf({})).toEqual(['1 Balance', '2 Last transactions', '3 Change PIN', '4 My limits', '5 Freeze / report fraud', '6 Call me back', '7 Fees and rights', '8 Language']);
    expect(Object.keys(buildNodes(deps({}))).filter((n) => n.startsWith('cashout'))).toEqual([]);
  });

  test('cash-out and the two feature places keep their fixed order, whatever order features come in', async () => {
    const features = [feature('voucher', 'Buy voucher', 'voucher'), feature('agent_code', 'Agent cash-out code', 'agent.code')];
    const nodes = buildNodes(deps({ cashout: {} as CashoutService, features }));
    expect(await menuOf({ cashout: {} as CashoutService, features })).toEqual([
      '1 Balance', '2 Last transactions', '3 Cash out', '4 Agent cash-out code', '5 Buy voucher', '6 Change PIN', '7 My limits',
      '8 Freeze / report fraud', '9 Call me back', '10 Fees and rights', '11 Language',
    ]);
    expect(nodes).toHaveProperty('voucher');
    expect(nodes).toHaveProperty('agent.code');
    expect(nodes).toHaveProperty('cashout.quote');
    // Choosing a feature's entry opens its node.
    expect(await nodes.main!.answer!(turn, '4')).toMatchObject({ kind: 'go', node: 'agent.code' });
  });
});
