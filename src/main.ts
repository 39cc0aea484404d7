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
if (config.DEMO === 'on') {
  if (!(await isSeeded(ctx))) {
    if (!runtime.simulators.identity) throw new Error('the demo world needs SIMULATORS=on');
    const seeded = await seedDemoWorld(ctx, runtime.simulators.identity);
    writeDemoCredentials(config.DATA_DIR, seeded.credentials);
    ctx.logger.info({ users: seeded.users, history: seeded.history, ms: seeded.ms, people_ms: seeded.people_ms }, 'demo world seeded');
  }
  demo = readDemoCredentials(config.DATA_DIR);
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
];
process.stdout.write(`${lines.join('\n')}\n`);

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
