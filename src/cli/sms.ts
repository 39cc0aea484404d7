// `smallchange sms --to <phone>`: read the demo SMS inbox (where OTPs go in demo mode). From the
// database's outbox when this command can open it; while a server holds the embedded database,
// from the file the demo phone network delivers to (DATA_DIR/sms-inbox.ndjson), which the server
// writes as it sends.
import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { DatabaseInUseError } from '../db/index.ts';
import { readDeliveredSms, readSmsInbox } from '../notify/index.ts';
import { tryNormalizePhone } from '../identity/index.ts';
import { demoInboxPath } from '../runtime.ts';
import { openCliDatabase } from './database.ts';
import { EXIT, setExitStatus } from './exit.ts';

export function registerSms(program: Command): void {
  program
    .command('sms')
    .description('show the SMS messages sent to a phone number (demo inbox), newest first')
    .requiredOption('--to <phone>', 'phone number, e.g. 010-1234-5678')
    .option('--limit <n>', 'how many messages', '10')
    .action(async (options: { to: string; limit: string }) => {
      const limit = Math.min(Math.max(parseInt(options.limit, 10) || 10, 1), 200);
      let opened: Awaited<ReturnType<typeof openCliDatabase>>;
      try {
        opened = await openCliDatabase();
      } catch (error) {
        if (!(error instanceof DatabaseInUseError)) throw error;
        await fromInboxFile(options.to, limit);
        return;
      }
      const { database } = opened;
      try {
        const messages = await readSmsInbox(database.db, options.to, limit);
        if (messages.length === 0) process.stdout.write(`no messages for ${options.to}\n`);
        for (const m of messages) {
          process.stdout.write(`${m.created_at.toISOString()}  ${m.status.padEnd(7)}  ${m.body}\n`);
        }
      } finally {
        await database.close();
      }
    });
}

async function fromInboxFile(to: string, limit: number): Promise<void> {
  const phone = tryNormalizePhone(to);
  if (!phone) {
    process.stderr.write(`smallchange sms: ${to} is not a mobile number\n`);
    setExitStatus(EXIT.usage);
    return;
  }
  const file = demoInboxPath(loadConfig());
  const messages = file ? await readDeliveredSms(file, phone, limit) : [];
  if (messages.length === 0) process.stdout.write(`no messages for ${to}\n`);
  for (const m of messages) process.stdout.write(`${m.at}  sent     ${m.text}\n`);
}
