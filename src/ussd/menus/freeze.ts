// Freeze my account / report fraud. No PIN: a freeze only protects (identity's rule), and someone
// whose phone or PIN was taken must be able to stop the money at once. A fraud report also asks
// support to call back, marked as fraud so it is called first.
import { withTransaction } from '../../db/index.ts';
import { ussdPhone } from '../format.ts';
import { end, pick, stay, type NodeTable, type Turn } from '../node.ts';

async function options(turn: Turn) {
  const user = await turn.user();
  return user.frozen
    ? [{ key: '1', label: turn.m.reportFraud, action: 'fraud' as const }]
    : [{ key: '1', label: turn.m.freezeNow, action: 'freeze' as const }, { key: '2', label: turn.m.reportFraud, action: 'fraud' as const }];
}

export const freezeNodes: NodeTable = {
  freeze: {
    async screen(turn) {
      const user = await turn.user();
      return { title: turn.m.freezeTitle, lines: [user.frozen ? turn.m.frozenAlready : turn.m.freezeBody], options: await options(turn) };
    },
    async answer(turn, input) {
      const choice = pick(await options(turn), input);
      if (!choice) return stay(turn.m.invalidChoice);
      const user = await turn.user();
      const { identity, support, db } = turn.deps;
      if (choice.action === 'freeze') {
        await withTransaction(db, (trx) => identity.freezeSelf(trx, user.id, 'ussd'));
        return end(turn.m.frozenDone);
      }
      const { request } = await withTransaction(db, async (trx) => {
        await identity.freezeSelf(trx, user.id, 'ussd');
        return support.requestCallback(trx, { userId: user.id, phone: user.phone ?? turn.phone, topic: 'fraud', channel: 'ussd', lang: turn.lang });
      });
      return end(turn.m.fraudDone(ussdPhone(turn.phone), request.reference));
    },
  },
};
