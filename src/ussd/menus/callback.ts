// Request a call back from support, about a topic. One open request per person (support's rule):
// a caller who already asked is told so, with the reference they were given.
import { withTransaction } from '../../db/index.ts';
import type { CallbackTopic } from '../../support/index.ts';
import { ussdDate, ussdPhone } from '../format.ts';
import { end, pick, stay, type NodeTable, type Turn } from '../node.ts';

function topics(turn: Turn): { key: string; label: string; topic: CallbackTopic }[] {
  return [
    { key: '1', label: turn.m.topicCashout, topic: 'cashout' },
    { key: '2', label: turn.m.topicTransaction, topic: 'transaction' },
    { key: '3', label: turn.m.topicAccount, topic: 'account' },
    { key: '4', label: turn.m.topicOther, topic: 'other' },
  ];
}

export const callbackNodes: NodeTable = {
  callback: {
    async screen(turn) {
      const open = await turn.deps.support.openRequestOf(turn.deps.db, (await turn.user()).id);
      if (open) {
        const policy = await turn.policy();
        return { lines: [turn.m.callbackOpen(ussdDate(open.createdAt, policy.time_zone, true), open.reference)] };
      }
      return { title: turn.m.callbackTitle, options: topics(turn) };
    },
    async answer(turn, input) {
      const choice = pick(topics(turn), input);
      if (!choice) return stay(turn.m.invalidChoice);
      const user = await turn.user();
      const { support, db } = turn.deps;
      if (await support.openRequestOf(db, user.id)) return stay(turn.m.invalidChoice);
      const { request } = await withTransaction(db, (trx) =>
        support.requestCallback(trx, { userId: user.id, phone: user.phone ?? turn.phone, topic: choice.topic, channel: 'ussd', lang: turn.lang }),
      );
      return end(turn.m.callbackDone(ussdPhone(turn.phone), request.reference));
    },
  },
};
