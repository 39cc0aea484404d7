// `npm start`: the product on the embedded database (or DATABASE_URL), with the demo world.
import { mkdirSync } from 'node:fs';
import { parsePhoneNumberWithError } from 'libphonenumber-js';
import { loadConfig } from './config/index.ts';
import { createRuntime } from './runtime.ts';
import { readDemoCredentials, writeDemoCredentials, type DemoCredentials } from './demo/credentials.ts';
import { isSeeded, seedDemoWorld } from './demo/seed.ts';

const config = loadConfig();
if (!config.DATABASE_URL) mkdirSync(config.DATA_DIR, { recursive: true });
const started = performance.now();
const runtime = await createRuntime(config);
const { app, ctx } = runtime;

let demo: DemoCredentials | null = null;
// On an empty database the demo world is seeded in two parts: the banner waits only for staff,
// partners and the people it names (a few seconds); the other people and their months of
// history are written behind it while the server already answers, and a line says when done.
const seedAbort = new AbortController();
let startSeeding: () => void = () => undefined;
const listening = new Promise<void>((resolve) => (startSeeding = resolve));
let seeding: Promise<void> | null = null;
if (config.DEMO === 'on') {
  if (!(await isSeeded(ctx))) {
    const identitySimulators = runtime.simulators.identity;
    if (!identitySimulators) throw new Error('the demo world needs SIMULATORS=on');
    let coreReady: (credentials: DemoCredentials) => void = () => undefined;
    const core = new Promise<DemoCredentials>((resolve) => (coreReady = resolve));
    const world = seedDemoWorld(ctx, identitySimulators, {
      signal: seedAbort.signal,
      onCoreReady: (credentials) => {
        writeDemoCredentials(config.DATA_DIR, { ...credentials, world: 'seeding' });
        coreReady(credentials);
        // The rest waits until the server listens: seeding beside Fastify's start-up would slow
        // both (one thread, one embedded-database connection).
        return listening;
      },
    });
    demo = await Promise.race([core, world.then((seeded) => seeded.credentials)]);
    seeding = world.then(
      (seeded) => {
        writeDemoCredentials(config.DATA_DIR, { ...seeded.credentials, world: 'complete' });
        ctx.logger.info({ users: seeded.users, history: seeded.history, ms: seeded.ms, people_ms: seeded.people_ms }, 'demo world seeded');
        const h = seeded.history;
        process.stdout.write(`  demo world complete: ${seeded.users} people${h ? `, ${h.credits} credits, ${h.cashouts.settled} settled cash-outs, ${h.spending.payments} merchant payments` : ''} (${(seeded.ms / 1000).toFixed(1)} s)\n`);
      },
      (error: unknown) => {
        if (seedAbort.signal.aborted) ctx.logger.warn('demo world: seeding stopped by the shutdown; it is incomplete (remove DATA_DIR to seed it again)');
        else ctx.logger.error({ err: error }, 'demo world: seeding failed');
      },
    );
  } else {
    demo = readDemoCredentials(config.DATA_DIR);
  }
}

await app.listen({ port: config.PORT, host: config.HOST });
const base = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
const lines = [
  '',
  '  smallchange is running',
  `  database   ${ctx.database.kind === 'pglite' ? `embedded PGlite in ${config.DATA_DIR}` : 'PostgreSQL (DATABASE_URL)'}`,
  `  web        ${base}/   (wallet ${base}/wallet · agent portal ${base}/agent · console ${base}/console)`,
  `  USSD sim   ${base}/ussd-simulator   (dial *123# in the browser)`,
  `  API docs   ${base}/docs`,
  `  health     ${base}/readyz   metrics ${base}/metrics`,
  `  started in ${Math.round(performance.now() - started)} ms — Ctrl-C stops it cleanly`,
  '',
  ...(demo ? demoLines(demo, base) : []),
  ...(seeding ? ['  demo world the people above are ready; the other people and months of history are being written now', ''] : []),
  ...(!seeding && demo?.world === 'seeding' ? ['  demo world incomplete: its first seeding was stopped (remove DATA_DIR to seed it again)', ''] : []),
];
process.stdout.write(`${lines.join('\n')}\n`);
startSeeding();

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  ctx.logger.info({ signal }, 'shutting down: draining requests');
  const force = setTimeout(() => {
    ctx.logger.error('shutdown took too long; exiting');
    process.exit(1);
  }, 15_000);
  force.unref();
  try {
    seedAbort.abort();
    await seeding;
    await runtime.close();
    process.exit(0);
  } catch (error) {
    ctx.logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

/** 010-2026-0001: how a person in Korea writes their number. */
function national(phone: string): string {
  return parsePhoneNumberWithError(phone).formatNational();
}

function demoLines(d: DemoCredentials, base: string): string[] {
  return [
    '  demo world (DEMO=on; credentials also in DATA_DIR/demo-credentials.json)',
    `  user       ${national(d.user.phone)} PIN ${d.user.pin} (${d.user.name}); more: ${d.users_more.map((u) => `${national(u.phone)}/${u.pin}`).join(', ')}`,
    ...d.staff.map((s) => `  staff      ${s.role.padEnd(10)} ${s.email} / ${s.password}`),
    `  partner    ${d.partner.name}: API key ${d.partner.api_key}`,
    `  SMS inbox  npx smallchange sms --to ${national(d.user.phone)}   (OTPs land here in demo mode)`,
    `  USSD       npx smallchange ussd --phone ${national(d.user.phone)}   (dial *123# from the terminal)`,
    `  try        curl -s ${base}/v1/policy | head -c 300`,
    '',
  ];
}
