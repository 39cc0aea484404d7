// The wallets area's error catalogue: stable codes, HTTP status, and messages in en and ko.
import { defineErrors } from '../shared/errors.ts';

export const WALLET_ERRORS = defineErrors({
  wallet_not_found: { status: 404, type: 'not_found_error', en: 'No such wallet.', ko: '지갑을 찾을 수 없습니다.' },
  insufficient_funds: { status: 400, type: 'invalid_request_error', en: 'The balance is not enough for this.', ko: '잔액이 부족합니다.' },
  insufficient_partner_funds: {
    status: 402, type: 'invalid_request_error',
    en: 'Your prefunded balance is not enough for this credit; nothing was applied.',
    ko: '선충전 잔액이 부족하여 적립이 처리되지 않았습니다.',
  },
  spend_only_not_transferable: {
    status: 400, type: 'invalid_request_error',
    en: 'Value bought on a phone bill or given as a promotion can be spent at merchants but never cashed out or sent.',
    ko: '휴대폰 소액결제나 프로모션으로 받은 금액은 가맹점 결제에만 쓸 수 있으며 현금화나 송금은 할 수 없습니다.',
  },
  currency_mismatch: { status: 400, type: 'invalid_request_error', en: 'The currency does not match the wallet.', ko: '지갑의 통화와 일치하지 않습니다.' },
});
