// `smallchange seed`: the demo world (src/demo) into an empty database, without starting the
// server — the same seeding `npm start` does with DEMO=on. The credentials go to
// DATA_DIR/demo-credentials.json, where `npm start` prints them from.
import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { credentialsPath, readDemoCredentials, writeDemoCredentials, type DemoCredentials } from '../demo/credentials.ts';
import { DEMO_HISTORY_DAYS, isSeeded, seedDemoWorld } from '../demo/seed.ts';
import { createRuntime } from '../runtime.ts';
import { EXIT, setExitStatus } from './exit.ts';

function print(credentials: DemoCredentials): void {
  const lines = [
    `  user      ${credentials.user.phone} PIN ${credentials.user.pin} (${credentials.user.name})`,
    ...credentials.users_more.map((u) => `  user      ${u.phone} PIN ${u.pin} (tier ${u.tier})`),
    ...credentials.staff.map((s) => `  staff     ${s.role.padEnd(10)} ${s.email} / ${s.password}`),
    `  partner   ${credentials.partner.name} (${credentials.partner.id}): API key ${credentials.partner.api_key}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description('seed the demo world (staff, partners with an API key, people with wallets and history) into an empty database')
    .option('--users <n>', 'how many people', '240')
    .option('--days <n>', 'days of credit and cash-out history (0: none)', String(DEMO_HISTORY_DAYS))
    .addHelpText('after', '\nExit codes: 0 seeded (or already seeded: the stored credentials are shown), 2 usage or configuration (e.g. SIMULATORS=off).')
    .action(async (options: { users: string; days: string }) => {
      const users = Number.parseInt(options.users, 10);
      if (!/^\d{1,5}$/.test(options.users) || users < 1) {
        process.stderr.write('smallchange seed: --users is a whole number from 1 to 99999\n');
        setExitStatus(EXIT.usage);
        return;
      }
      const days = Number.parseInt(options.days, 10);
      if (!/^\d{1,3}$/.test(options.days) || days > 190) {
        process.stderr.write('smallchange seed: --days is a whole number from 0 to 190 (the demo policy is in force from 200 days ago)\n');
        setExitStatus(EXIT.usage);
        return;
      }
      const config = loadConfig();
      if (config.SIMULATORS !== 'on') {
        process.stderr.write('smallchange seed: the demo world needs SIMULATORS=on\n');
        setExitStatus(EXIT.usage);
        return;
      }
      if (!config.DATABASE_URL) mkdirSync(config.DATA_DIR, { recursive: true });
      const runtime = await createRuntime({ ...config, LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }, { background: false });
      try {
        if (await isSeeded(runtime.ctx)) {
          process.stdout.write('the database already holds people: nothing seeded\n');
          const stored = readDemoCredentials(config.DATA_DIR);
          if (stored) print(stored);
          return;
        }
        const seeded = await seedDemoWorld(runtime.ctx, runtime.simulators.identity!, { users, historyDays: days });
        writeDemoCredentials(config.DATA_DIR, seeded.credentials);
        process.stdout.write(`seeded ${seeded.users} people in ${Math.round(seeded.ms)} ms; credentials in ${credentialsPath(config.DATA_DIR)}\n`);
        if (seeded.history) {
          const h = seeded.history;
          process.stdout.write(`history   ${days} days: ${h.credits} credits, ${h.destinations} destinations, cash-outs ${h.cashouts.settled} settled / ${h.cashouts.failed} failed / ${h.cashouts.waiting} waiting for the bank batch, ${h.sweeps} auto-sweep rules ` +
            `(credits ${h.ms.credits} ms, clearance ${h.ms.clearance} ms, cash-outs ${h.ms.cashouts} ms)\n`);
          const sp = h.spending;
          process.stdout.write(`spending  ${sp.merchants} merchants, ${sp.payments} payments, ${sp.refunds} refunds, ${sp.vouchers} gift cards, ${sp.subscription_charges} subscription charges, ` +
            `${sp.settlements} merchant settlements (${h.ms.spending} ms)\n`);
        }
        print(seeded.credentials);
      } finally {
        await runtime.close();
      }
    });
}
