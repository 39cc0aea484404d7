// The session engine behind POST /ussd (the Africa's Talking callback convention). Each request
// carries the dialog's every input so far in `text`, joined by "*"; the engine keeps its place in
// a table (how many characters of `text` it has handled, which screen, the way back) and handles
// only the new input. `text` is never stored or logged: it carries PINs. A PIN typed twice is
// compared by reading the first entry back out of the next request's `text`.
import type { User } from '../identity/index.ts';
import type { Policy } from '../policy/index.ts';
import { DomainError, type Lang } from '../shared/errors.ts';
import type { UssdDeps } from './deps.ts';
import { layoutPages, MORE_KEY, type ScreenSpec } from './layout.ts';
import { messagesFor, type Messages } from './messages.ts';
import type { NodeTable, SessionState, Step, Turn } from './node.ts';
import { insertSession, saveSession, selectSession, type SessionRow } from './sessions.sql.ts';

/**
 * How long a dialog may sit idle between two requests when the policy says nothing (versions
 * before the `ussd` section): carriers end an idle USSD dialog after about two to three minutes.
 * The policy in force (ussd.session_idle_seconds) decides.
 */
export const SESSION_IDLE_SECONDS = 180;

/** The idle timeout of the policy in force, in milliseconds. */
export async function sessionIdleMs(deps: Pick<UssdDeps, 'policy'>, now: Date): Promise<number> {
  const { policy } = await deps.policy.inForce(now);
  return (policy.ussd.session_idle_seconds) * 1000;
}
/** The way back is kept this deep; older screens are forgotten. */
const STACK_DEPTH_MAX = 20;
/** Where a registered caller starts, and where a new one does. */
export const MAIN_NODE = 'main';
export const REGISTRATION_NODE = 'reg.lang';
/** The node that shows a final message (possibly over several pages). */
const FINAL_NODE = '_final';

export interface UssdCall {
  sessionId: string;
  serviceCode: string;
  /** E.164. */
  phone: string;
  networkCode: string | null;
  text: string;
}

export interface UssdReply {
  end: boolean;
  text: string;
  /**
   * What the dialog's row keeps of this reply instead of `text`: a final screen that shows a
   * one-time secret (a withdrawal code, a voucher's code and PIN) is stored without it, so a
   * gateway retry gets the stored version and the secret is never at rest in ussd_sessions.
   */
  stored?: string;
}

/** The reply as the dialog's row keeps it. */
function storedReply(reply: UssdReply): string {
  return wireReply({ end: reply.end, text: reply.stored ?? reply.text });
}

export function wireReply(reply: UssdReply): string {
  return `${reply.end ? 'END' : 'CON'} ${reply.text}`;
}

function parseWire(wire: string): UssdReply {
  return { end: wire.startsWith('END '), text: wire.slice(4) };
}

function homeOf(state: SessionState): string {
  return state.userId ? MAIN_NODE : REGISTRATION_NODE;
}

class RequestTurn implements Turn {
  private cachedUser: User | null = null;
  private cachedPolicy: Policy | null = null;

  constructor(
    readonly deps: UssdDeps,
    readonly state: SessionState,
    readonly phone: string,
    readonly networkCode: string | null,
    readonly now: Date,
    private readonly text: string,
    readonly answerRange: [number, number],
  ) {}

  get lang(): Lang {
    return this.state.lang ?? 'ko';
  }

  get m(): Messages {
    return messagesFor(this.lang);
  }

  answerAt(range: readonly number[]): string {
    const [start = 0, stop = 0] = range;
    return this.text.slice(start, stop);
  }

  async user(): Promise<User> {
    if (!this.state.userId) throw new Error('ussd: no user in this dialog yet');
    if (this.cachedUser?.id !== this.state.userId) this.cachedUser = await this.deps.identity.getUser(this.deps.db, this.state.userId);
    return this.cachedUser;
  }

  async policy(): Promise<Policy> {
    this.cachedPolicy ??= (await this.deps.policy.inForce(this.now)).policy;
    return this.cachedPolicy;
  }
}

export class UssdEngine {
  /** Requests of one session are handled one at a time in this process (gateways retry). */
  private readonly inFlight = new Map<string, Promise<UssdReply>>();

  constructor(
    private readonly deps: UssdDeps,
    private readonly nodes: NodeTable,
  ) {}

  async handle(call: UssdCall): Promise<UssdReply> {
    const previous = this.inFlight.get(call.sessionId);
    const run = (previous ? previous.catch(() => undefined) : Promise.resolve()).then(() => this.handleInOrder(call));
    this.inFlight.set(call.sessionId, run);
    try {
      return await run;
    } finally {
      if (this.inFlight.get(call.sessionId) === run) this.inFlight.delete(call.sessionId);
    }
  }

  private async handleInOrder(call: UssdCall): Promise<UssdReply> {
    const now = this.deps.clock.now();
    const row = await selectSession(this.deps.db, call.sessionId);
    if (!row) return this.start(call, now);
    const m = messagesFor(row.lang ?? 'ko');
    // Another number's session id: answer nothing about it.
    if (row.phone !== call.phone) return { end: true, text: m.sessionOver };
    // The gateway retried a request already answered: the same answer again.
    if (call.text.length === row.consumed_chars) return parseWire(row.last_reply);
    if (row.status !== 'open') return { end: true, text: row.status === 'timed_out' ? m.timedOut : m.sessionOver };
    const idle = now.getTime() - row.last_seen_at.getTime() > (await sessionIdleMs(this.deps, now));
    // The text must continue the one already handled: the same characters, then "*" and the answer.
    const continues = call.text.length > row.consumed_chars && (row.consumed_chars === 0 || call.text[row.consumed_chars] === '*');
    if (idle || !continues) {
      const reply = { end: true, text: idle ? m.timedOut : m.sessionOver };
      await this.persist(row, stateOf(row), call, reply, now, idle ? 'timed_out' : 'ended');
      return reply;
    }
    // After the first answer, each new one follows a "*" separator; an answer may itself hold "*".
    const start = row.consumed_chars === 0 ? 0 : row.consumed_chars + 1;
    const state = stateOf(row);
    const turn = new RequestTurn(this.deps, state, call.phone, call.networkCode, now, call.text, [start, call.text.length]);
    const reply = await this.respond(turn, [turn]);
    const saved = await this.persist(row, state, call, reply, now, reply.end ? 'ended' : 'open');
    if (saved) return reply;
    const winner = await selectSession(this.deps.db, call.sessionId);
    return winner ? parseWire(winner.last_reply) : reply;
  }

  private async start(call: UssdCall, now: Date): Promise<UssdReply> {
    const user = await this.deps.identity.resolveRecipientByPhone(this.deps.db, call.phone);
    const state: SessionState = {
      node: user ? MAIN_NODE : REGISTRATION_NODE,
      page: 0,
      pageCount: 1,
      stack: [],
      data: {},
      lang: user?.lang ?? null,
      userId: user?.id ?? null,
    };
    let reply: UssdReply;
    if (user && user.status !== 'active') {
      reply = { end: true, text: messagesFor(user.lang).accountClosed };
    } else {
      // A dial string such as *123*1# arrives with its inputs in the first request: each is an answer.
      const turns = splitAnswers(call.text).map(
        (range) => new RequestTurn(this.deps, state, call.phone, call.networkCode, now, call.text, range),
      );
      reply = await this.respond(new RequestTurn(this.deps, state, call.phone, call.networkCode, now, call.text, [0, 0]), turns);
    }
    const row: SessionRow = {
      id: call.sessionId,
      phone: call.phone,
      service_code: call.serviceCode,
      network_code: call.networkCode,
      user_id: state.userId,
      lang: state.lang,
      node: state.node,
      stack: state.stack,
      data: { ...state.data, _pages: state.pageCount, _page: state.page },
      consumed_chars: call.text.length,
      steps: 1,
      last_reply: storedReply(reply),
      status: reply.end ? 'ended' : 'open',
      started_at: now,
      last_seen_at: now,
      ended_at: reply.end ? now : null,
    };
    const inserted = await insertSession(this.deps.db, row);
    if (inserted) return reply;
    const winner = await selectSession(this.deps.db, call.sessionId);
    return winner ? parseWire(winner.last_reply) : reply;
  }

  /** Applies the answers in order, then renders where the dialog stands. */
  private async respond(first: RequestTurn, answers: RequestTurn[]): Promise<UssdReply> {
    let notice: string | null = null;
    let turn = first;
    try {
      for (const answer of answers) {
        turn = answer;
        notice = await this.apply(answer, answer.answerAt(answer.answerRange));
        if (answer.state.node === FINAL_NODE) break;
      }
      return await this.render(turn, notice);
    } catch (error) {
      // Logged without the request: its text may hold a PIN.
      this.deps.logger.error({ err: error, node: turn.state.node }, 'ussd turn failed');
      turn.state.node = FINAL_NODE;
      turn.state.data = { ...turn.state.data, final: [turn.m.failed] };
      return { end: true, text: turn.m.failed };
    }
  }

  private async apply(turn: RequestTurn, input: string): Promise<string | null> {
    const state = turn.state;
    const m = turn.m;
    if (state.node === FINAL_NODE) {
      if (input === MORE_KEY && state.page < state.pageCount - 1) state.page++;
      else if (input === '0' && state.page > 0) state.page--;
      else return m.invalidChoice;
      return null;
    }
    if (input === '00') {
      goHome(state);
      return null;
    }
    if (input === '0') {
      if (state.page > 0) state.page--;
      else goBack(state);
      return null;
    }
    if (input === MORE_KEY && state.page < state.pageCount - 1) {
      state.page++;
      return null;
    }
    const node = this.nodes[state.node];
    if (!node?.answer) return m.invalidChoice;
    let step: Step;
    try {
      step = await node.answer(turn, input);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status >= 500) throw error;
      return error.localizedMessage(turn.lang);
    }
    return this.take(state, step);
  }

  private take(state: SessionState, step: Step): string | null {
    switch (step.kind) {
      case 'go':
        if (!step.replace) {
          state.stack.push({ node: state.node, page: state.page });
          if (state.stack.length > STACK_DEPTH_MAX) state.stack.shift();
        }
        state.node = step.node;
        state.page = 0;
        if (step.data) state.data = { ...state.data, ...step.data };
        return step.notice ?? null;
      case 'stay':
        return step.notice;
      case 'back':
        if (step.to && state.stack.some((frame) => frame.node === step.to)) {
          while (state.node !== step.to) goBack(state);
        } else {
          goBack(state);
        }
        return step.notice ?? null;
      case 'home':
        goHome(state);
        return step.notice ?? null;
      case 'end':
        state.node = FINAL_NODE;
        state.page = 0;
        state.stack = [];
        // The stored final screen is the one without secrets; the shown one lives for this request only.
        state.data = { ...state.data, final: step.stored ?? step.lines };
        if (step.stored) state.shownFinal = step.lines;
        return null;
    }
  }

  private async render(turn: RequestTurn, notice: string | null): Promise<UssdReply> {
    const state = turn.state;
    const node = this.nodes[state.node];
    if (state.node !== FINAL_NODE && !node) goHome(state);
    const spec: ScreenSpec =
      state.node === FINAL_NODE ? { lines: (state.data.final as string[] | undefined) ?? [], end: true } : await this.nodes[state.node]!.screen(turn);
    const m = turn.m;
    const layout = (screen: ScreenSpec) => layoutPages(screen, {
      labels: { back: m.back, home: m.home, more: m.more },
      notice,
      canBack: state.stack.length > 0,
      canHome: state.node !== homeOf(state) && state.node !== FINAL_NODE,
    });
    const pages = layout(spec);
    state.pageCount = pages.length;
    state.page = Math.min(state.page, pages.length - 1);
    const page = pages[state.page]!;
    if (state.node === FINAL_NODE && state.shownFinal) {
      // A final screen with a secret: shown now, kept without it (one page: the secret screen is short).
      const shown = layout({ lines: state.shownFinal, end: true })[0]!;
      return { end: shown.end, text: shown.text, stored: page.text };
    }
    return { end: page.end, text: page.text };
  }

  private async persist(row: SessionRow, state: SessionState, call: UssdCall, reply: UssdReply, now: Date, status: SessionRow['status']): Promise<boolean> {
    const next: SessionRow = {
      ...row,
      user_id: state.userId,
      lang: state.lang,
      node: state.node,
      stack: state.stack,
      data: { ...state.data, _pages: state.pageCount, _page: state.page },
      consumed_chars: call.text.length,
      steps: row.steps + 1,
      last_reply: storedReply(reply),
      status,
      last_seen_at: now,
      ended_at: status === 'open' ? null : now,
    };
    return saveSession(this.deps.db, next, { consumed_chars: row.consumed_chars, steps: row.steps });
  }
}

function stateOf(row: SessionRow): SessionState {
  const { _pages, _page, ...data } = row.data;
  return {
    node: row.node,
    page: typeof _page === 'number' ? _page : 0,
    pageCount: typeof _pages === 'number' ? _pages : 1,
    stack: row.stack,
    data,
    lang: row.lang,
    userId: row.user_id,
  };
}

function goHome(state: SessionState): void {
  state.node = homeOf(state);
  state.page = 0;
  state.stack = [];
}

function goBack(state: SessionState): void {
  const frame = state.stack.pop();
  if (frame) {
    state.node = frame.node;
    state.page = frame.page;
  } else {
    goHome(state);
  }
}

/** [start, end) of each "*"-separated answer in a first request's text. */
export function splitAnswers(text: string): [number, number][] {
  if (text === '') return [];
  const ranges: [number, number][] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === '*') {
      ranges.push([start, i]);
      start = i + 1;
    }
  }
  return ranges;
}
