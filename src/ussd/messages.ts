// Every word a USSD screen shows, in English and Korean. English stays within the GSM 7-bit
// alphabet (no curly quotes, dashes or the won sign), so that an English screen holds 182
// characters; Korean screens hold 80, so Korean here is terse on purpose.
import type { Lang } from '../shared/errors.ts';
import type { EntryType } from '../wallets/index.ts';

const en = {
  app: 'smallchange',
  back: 'Back',
  home: 'Menu',
  more: 'More',

  // Notices: one line above a screen.
  invalidChoice: 'Not an option. Choose a number.',
  invalidAmount: 'Enter an amount in numbers, e.g. 5000.',
  pinFormat: 'A PIN is 6 digits.',
  pinWeak: 'Too easy to guess. Avoid runs, repeats, dates, phone digits.',
  pinMismatch: 'The PINs did not match. Try again.',
  pinWrong: (attempts: number, minutes: number) => `Wrong PIN. ${attempts} wrong PINs lock it for ${minutes} min.`,
  samePin: 'The new PIN must differ from the old one.',
  registered: 'Your wallet is open.',
  langChanged: 'Language changed.',

  // Registration.
  chooseLanguage: 'smallchange',
  termsTitle: 'Open a wallet',
  termsBody: (cap: string) => `Basic tier: balance up to ${cap}. Fees are shown before you confirm.`,
  termsLink: (url: string) => `Policy: ${url}`,
  accept: 'Accept',
  readSummary: 'Read summary',
  choosePin: 'Choose a 6-digit PIN:',
  repeatPin: 'Enter the PIN again:',
  alreadyRegistered: 'This number already has a wallet. Dial again.',

  // Main menu.
  menuBalance: 'Balance',
  menuHistory: 'Last transactions',
  menuCashout: 'Cash out',
  menuAgentCode: 'Agent cash-out code',
  menuVoucher: 'Buy voucher',
  menuPin: 'Change PIN',
  menuLimits: 'My limits',
  menuFreeze: 'Freeze / report fraud',
  menuCallback: 'Call me back',
  menuPolicy: 'Fees and rights',
  menuLanguage: 'Language',

  enterPin: 'Enter your PIN:',

  // Cash out.
  cashoutTitle: 'Cash out to',
  noDestinations: 'No verified bank account or wallet is saved. Add one in the app or on the web.',
  cashoutTo: (destination: string) => `To ${destination}`,
  cashoutAll: 'All cashable balance',
  cashoutSome: 'Enter an amount',
  amountPrompt: 'Amount (numbers only):',
  quoteAmount: (amount: string) => `Amount: ${amount}`,
  quoteFee: (fee: string) => `Fee: ${fee}`,
  quoteNet: (net: string) => `You get: ${net}`,
  quoteDust: (dust: string) => `Stays in wallet: ${dust}`,
  quoteArrival: (when: string) => `Arrives by ${when}`,
  quoteOtp: 'An SMS code follows the PIN.',
  confirmPin: 'PIN to confirm:',
  otpSent: 'We sent you a code by SMS.',
  otpPrompt: 'Code from the SMS:',
  otpFormat: 'The code is 6 digits.',
  otpWrong: 'Wrong code. Check the SMS.',
  quoteExpired: 'The quote expired. Choose again.',
  cashoutDone: (id: string, net: string, destination: string, when: string | null) =>
    `Cash-out ${id}: ${net} to ${destination}${when ? ` by ${when}` : ''}. Receipt no. by SMS when paid.`,
  cashoutHeld: (id: string, net: string, until: string | null) =>
    until ? `Cash-out ${id} (${net}) waits for a safety check until ${until}. We will send an SMS.` : `Cash-out ${id} (${net}) is under review. We will send an SMS.`,
  cashoutNotMade: (id: string) => `Cash-out ${id} was not made. Nothing left your wallet.`,

  // Agent cash-out code (cash at a shop's counter).
  agentTitle: 'Cash at an agent',
  agentCodeDone: (code: string, net: string, until: string) => `Code ${code}: an agent pays you ${net}. Valid until ${until}. Also sent by SMS.`,
  /** What the dialog keeps instead (the code is never at rest in a dialog row). */
  agentCodeSent: (net: string, until: string) => `Your code was sent by SMS: an agent pays you ${net}. Valid until ${until}.`,

  // Balance.
  balanceTitle: 'Balance',
  available: (amount: string) => `Available: ${amount}`,
  cashable: (amount: string) => `Cashable: ${amount}`,
  spendOnly: (amount: string) => `Spend only: ${amount}`,
  clearing: (amount: string) => `Clearing: ${amount}`,
  heldOverCap: (amount: string) => `Held over cap: ${amount}`,
  reserved: (amount: string) => `Reserved: ${amount}`,

  // History.
  historyTitle: (currency: string) => `Last transactions (${currency})`,
  historyEmpty: 'No transactions yet.',
  entryPending: '(clearing)',
  entryUndone: '(undone)',
  entryTypes: {
    credit: 'Credit',
    credit_reversal: 'Reversal',
    unclaimed_return: 'Unclaimed, returned',
    release: 'Released',
    send: 'Sent',
    move: 'Own move',
    fee: 'Fee',
    cashout: 'Cash-out',
    cashout_return: 'Returned',
    cash_in: 'Cash-in',
    payment: 'Payment',
    refund: 'Refund',
    voucher_redemption: 'Voucher',
    other: 'Other',
  } as Record<EntryType, string>,

  // Limits.
  limitsTitle: 'My limits',
  limitCashout: 'Cash-out',
  limitSpend: 'Spending',
  limitSend: 'Sending',
  perDay: 'Daily',
  perMonth: 'Monthly',
  limitLine: (period: string, cap: string, used: string, left: string) => `${period} ${cap}, used ${used}, left ${left}`,
  lowerLimit: (period: string) => `Lower ${period.toLowerCase()} limit`,
  limitNow: (cap: string) => `Now: ${cap}`,
  newLimitPrompt: 'New limit (numbers only):',
  onlyLower: (cap: string) => `Enter less than ${cap}. Raise limits in the app.`,
  raiseInApp: 'Raise limits in the app.',
  limitSet: (kind: string, period: string, cap: string) => `${kind} limit, ${period.toLowerCase()}: ${cap}. It applies now.`,

  // Change PIN.
  currentPin: 'Current PIN:',
  newPin: 'New 6-digit PIN:',
  repeatNewPin: 'New PIN again:',
  pinChanged: 'Your PIN is changed. Sign in to the app again.',

  // Freeze and fraud.
  freezeTitle: 'Freeze account',
  freezeBody: 'While frozen, no money leaves your account. Lift it in the app with PIN and SMS code.',
  frozenAlready: 'Your account is frozen now.',
  freezeNow: 'Freeze now',
  reportFraud: 'Report fraud and freeze',
  frozenDone: 'Your account is frozen. No money can leave it.',
  fraudDone: (phone: string, ref: string) => `Account frozen. Support will call ${phone}. Ref ${ref}`,

  // Call back.
  callbackTitle: 'Call me back about',
  topicCashout: 'A cash-out',
  topicTransaction: 'A transaction',
  topicAccount: 'My account or PIN',
  topicOther: 'Something else',
  callbackDone: (phone: string, ref: string) => `Support will call ${phone}. Ref ${ref}`,
  callbackOpen: (date: string, ref: string) => `You asked on ${date} (ref ${ref}). Support will call you.`,

  // Policy summary.
  policyTitle: 'Fees and rights',
  policyTier: (name: string, cap: string) => `${name}: balance up to ${cap}.`,
  policyCashoutLimits: (day: string, month: string) => `Cash-out limit: ${day} a day, ${month} a month.`,
  policyCashoutMinimum: (minimum: string) => `Cash out from ${minimum}.`,
  policyFee: (channel: string, fee: string, free: number) => (free > 0 ? `${channel} fee: ${fee} (first ${free} a month free).` : `${channel} fee: ${fee}.`),
  percent: (bps: number) => `${bps / 100}%`,
  feeBetween: (min: string, max: string) => `(${min} to ${max})`,
  feeAtLeast: (min: string) => `(at least ${min})`,
  feeAtMost: (max: string) => `(at most ${max})`,
  channelBank: 'Bank',
  channelWallet: 'Wallet',
  channelAgent: 'Agent',
  channelAtm: 'ATM',
  policyFreeze: 'Freeze any time: here, in the app, or SMS FREEZE.',
  policyDisputes: (file: number, resolve: number) => `Disputes: tell us within ${file} days; answer within ${resolve} days. FSS mediation: 1332.`,
  policyLink: (url: string) => `Full text: ${url}`,

  // Language.
  languageTitle: 'Language',

  // Endings.
  timedOut: 'Your session timed out. Please dial again.',
  sessionOver: 'This session has ended. Please dial again.',
  accountClosed: 'This account is closed. Please call support.',
  failed: 'Sorry, something went wrong. Nothing was changed. Try again later.',
  goodbye: 'Thank you for using smallchange.',
};

export type Messages = typeof en;

const ko: Messages = {
  app: '스몰체인지',
  back: '이전',
  home: '처음',
  more: '다음',

  invalidChoice: '없는 번호입니다.',
  invalidAmount: '금액을 숫자로 입력하세요. 예: 5000',
  pinFormat: 'PIN은 숫자 6자리입니다.',
  pinWeak: '쉬운 PIN은 안 됩니다(연속·반복·날짜·전화번호).',
  pinMismatch: 'PIN이 서로 다릅니다. 다시 입력하세요.',
  pinWrong: (attempts, minutes) => `PIN 오류. ${attempts}회 틀리면 ${minutes}분 잠김.`,
  samePin: '지금 PIN과 다르게 정하세요.',
  registered: '지갑이 열렸습니다.',
  langChanged: '언어를 바꿨습니다.',

  chooseLanguage: 'smallchange',
  termsTitle: '지갑 만들기',
  termsBody: (cap) => `기본 등급 잔액 한도 ${cap}. 수수료는 확인 전에 알려드립니다.`,
  termsLink: (url) => `약관: ${url}`,
  accept: '동의',
  readSummary: '요약 보기',
  choosePin: 'PIN 6자리를 정하세요:',
  repeatPin: 'PIN을 한 번 더 입력하세요:',
  alreadyRegistered: '이미 가입된 번호입니다. 다시 걸어 주세요.',

  menuBalance: '잔액',
  menuHistory: '최근 거래',
  menuCashout: '출금',
  menuAgentCode: '대리점 출금 코드',
  menuVoucher: '상품권 구매',
  menuPin: 'PIN 변경',
  menuLimits: '이용 한도',
  menuFreeze: '정지·사기 신고',
  menuCallback: '상담 전화 요청',
  menuPolicy: '수수료·권리',
  menuLanguage: 'Language',

  enterPin: 'PIN을 입력하세요:',

  cashoutTitle: '출금할 곳',
  noDestinations: '인증된 계좌나 지갑이 없습니다. 앱이나 웹에서 등록하세요.',
  cashoutTo: (destination) => `받는 곳 ${destination}`,
  cashoutAll: '출금 가능액 전부',
  cashoutSome: '금액 입력',
  amountPrompt: '금액(숫자만):',
  quoteAmount: (amount) => `금액 ${amount}`,
  quoteFee: (fee) => `수수료 ${fee}`,
  quoteNet: (net) => `받는 돈 ${net}`,
  quoteDust: (dust) => `지갑에 남음 ${dust}`,
  quoteArrival: (when) => `도착 ${when}까지`,
  quoteOtp: 'PIN 다음 문자 인증번호 필요',
  confirmPin: '확인 PIN:',
  otpSent: '인증번호를 문자로 보냈습니다.',
  otpPrompt: '문자 인증번호:',
  otpFormat: '인증번호는 숫자 6자리입니다.',
  otpWrong: '인증번호가 틀렸습니다.',
  quoteExpired: '견적 시간이 지났습니다. 다시 고르세요.',
  cashoutDone: (id, net, destination, when) => `출금 ${id}: ${destination}로 ${net}${when ? `, ${when}까지` : ''}. 영수증 번호는 문자로`,
  cashoutHeld: (id, net, until) => (until ? `출금 ${id} (${net}) 안전 확인으로 ${until}까지 대기. 결과는 문자로` : `출금 ${id} (${net}) 검토 중. 결과는 문자로 알려드립니다.`),
  cashoutNotMade: (id) => `출금 ${id} 실패. 돈은 그대로입니다.`,

  agentTitle: '대리점 현금 출금',
  agentCodeDone: (code, net, until) => `출금 코드 ${code}: 대리점에서 ${net} 받기. ${until}까지 유효. 문자로도 보냄`,
  agentCodeSent: (net, until) => `출금 코드는 문자로 보냄: 대리점에서 ${net} 받기. ${until}까지 유효`,

  balanceTitle: '잔액',
  available: (amount) => `사용 가능 ${amount}`,
  cashable: (amount) => `출금 가능 ${amount}`,
  spendOnly: (amount) => `결제 전용 ${amount}`,
  clearing: (amount) => `확인 중 ${amount}`,
  heldOverCap: (amount) => `한도 초과 보류 ${amount}`,
  reserved: (amount) => `처리 중 ${amount}`,

  historyTitle: () => '최근 거래',
  historyEmpty: '거래가 없습니다.',
  entryPending: '(확인중)',
  entryUndone: '(취소)',
  entryTypes: {
    credit: '적립',
    credit_reversal: '적립 취소',
    unclaimed_return: '미수령 반환',
    release: '보류 해제',
    send: '송금',
    move: '지갑 이동',
    fee: '수수료',
    cashout: '출금',
    cashout_return: '출금 반환',
    cash_in: '충전',
    payment: '결제',
    refund: '환불',
    voucher_redemption: '상품권',
    other: '기타',
  },

  limitsTitle: '이용 한도',
  limitCashout: '출금',
  limitSpend: '결제',
  limitSend: '송금',
  perDay: '하루',
  perMonth: '한 달',
  limitLine: (period, cap, used, left) => `${period} ${cap} (사용 ${used}, 남음 ${left})`,
  lowerLimit: (period) => `${period} 한도 낮추기`,
  limitNow: (cap) => `지금 ${cap}`,
  newLimitPrompt: '새 한도(숫자만):',
  onlyLower: (cap) => `${cap}보다 적게. 올리기는 앱에서.`,
  raiseInApp: '한도 올리기는 앱에서 하세요.',
  limitSet: (kind, period, cap) => `${kind} ${period} 한도 ${cap}. 지금부터 적용됩니다.`,

  currentPin: '지금 PIN:',
  newPin: '새 PIN 6자리:',
  repeatNewPin: '새 PIN 한 번 더:',
  pinChanged: 'PIN을 바꿨습니다. 앱은 다시 로그인하세요.',

  freezeTitle: '계정 정지',
  freezeBody: '정지 중엔 돈이 나가지 않습니다. 해제는 앱에서 PIN과 문자 인증으로.',
  frozenAlready: '지금 정지된 상태입니다.',
  freezeNow: '지금 정지',
  reportFraud: '사기 신고 후 정지',
  frozenDone: '계정을 정지했습니다. 돈이 나가지 않습니다.',
  fraudDone: (phone, ref) => `정지했습니다. ${phone}로 전화드립니다. 접수 ${ref}`,

  callbackTitle: '상담 주제',
  topicCashout: '출금',
  topicTransaction: '거래 문제',
  topicAccount: '계정·PIN',
  topicOther: '기타',
  callbackDone: (phone, ref) => `${phone}로 전화드립니다. 접수 ${ref}`,
  callbackOpen: (date, ref) => `${date} 요청(접수 ${ref}). 곧 전화드립니다.`,

  policyTitle: '수수료·권리',
  policyTier: (name, cap) => `${name}: 잔액 한도 ${cap}`,
  policyCashoutLimits: (day, month) => `출금 한도: 하루 ${day}, 한 달 ${month}`,
  policyCashoutMinimum: (minimum) => `${minimum}부터 출금`,
  policyFee: (channel, fee, free) => (free > 0 ? `${channel} 수수료 ${fee} (월 ${free}회 무료)` : `${channel} 수수료 ${fee}`),
  percent: (bps) => `${bps / 100}%`,
  feeBetween: (min, max) => `(${min}~${max})`,
  feeAtLeast: (min) => `(최소 ${min})`,
  feeAtMost: (max) => `(최대 ${max})`,
  channelBank: '은행',
  channelWallet: '지갑',
  channelAgent: '대리점',
  channelAtm: 'ATM',
  policyFreeze: '언제든 정지: 여기, 앱, 문자 "정지"',
  policyDisputes: (file, resolve) => `이의제기 ${file}일 내, ${resolve}일 내 답변. 분쟁조정 1332`,
  policyLink: (url) => `전문: ${url}`,

  languageTitle: '언어 선택',

  timedOut: '시간이 지나 종료되었습니다. 다시 걸어 주세요.',
  sessionOver: '끝난 세션입니다. 다시 걸어 주세요.',
  accountClosed: '해지된 계정입니다. 고객센터로 연락하세요.',
  failed: '오류가 났습니다. 바뀐 것은 없습니다. 잠시 후 다시 걸어 주세요.',
  goodbye: '스몰체인지를 이용해 주셔서 감사합니다.',
};

const CATALOGUE: Record<Lang, Messages> = { en, ko };

export function messagesFor(lang: Lang): Messages {
  return CATALOGUE[lang];
}
