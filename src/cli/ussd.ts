// `smallchange ussd --phone <number>`: a USSD handset in the terminal. It dials a running server
// over HTTP exactly as a gateway does (POST /ussd, the dialog's inputs joined by "*", the gateway
// secret in its header), prints each screen and reads the next answer, until an END screen.
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { tryNormalizePhone } from '../identity/index.ts';
import { GATEWAY_SECRET_HEADER } from '../ussd/index.ts';
import { EXIT, setExitStatus } from './exit.ts';

interface UssdOptions {
  phone: string;
  url: string;
  network: string;
  code: string;
  secret?: string;
}

async function post(options: UssdOptions, sessionId: string, phone: string, secret: string, text: string): Promise<string> {
  const response = await fetch(new URL('/ussd', options.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', [GATEWAY_SECRET_HEADER]: secret },
    body: new URLSearchParams({ sessionId, serviceCode: options.code, phoneNumber: phone, networkCode: options.network, text }).toString(),
  });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`the server answered ${response.status}: ${body.slice(0, 200)}`);
  return body;
}

/** The screen in a frame; no right edge, since Korean characters are two columns wide in a terminal. */
function show(reply: string): void {
  const end = reply.startsWith('END ');
  const screen = reply.replace(/^(CON|END) /, '');
  const rule = '─'.repeat(30);
  process.stdout.write(`┌${rule}\n${screen.split('\n').map((line) => `│ ${line}`).join('\n')}\n└${rule}\n${end ? '(dialog ended)\n' : ''}`);
}

export function registerUssd(program: Command): void {
  program
    .command('ussd')
    .description('dial the USSD menus of a running server from the terminal, as a phone would (0 back, 00 menu, 99 more)')
    .requiredOption('--phone <number>', 'the calling phone number, e.g. 010-2026-0001 (a new number gets registration)')
    .option('--url <url>', 'the server', 'http://127.0.0.1:3000')
    .option('--network <mccmnc>', 'network code the gateway reports (45005 SKT, 45008 KT, 45006 LG U+)', '45005')
    .option('--code <service>', 'the service code dialled', '*123#')
    .option('--secret <secret>', 'gateway secret (default: the first of USSD_GATEWAY_SECRETS)')
    .addHelpText('after', '\nExit codes: 0 the dialog ended (or input closed), 1 the server could not be reached or refused, 2 usage.')
    .action(async (options: UssdOptions) => {
      const phone = tryNormalizePhone(options.phone);
      if (!phone) {
        process.stderr.write(`smallchange ussd: "${options.phone}" is not a mobile phone number\n`);
        setExitStatus(EXIT.usage);
        return;
      }
      try {
        new URL(options.url);
      } catch {
        process.stderr.write(`smallchange ussd: "${options.url}" is not a URL\n`);
        setExitStatus(EXIT.usage);
        return;
      }
      const secret = options.secret ?? loadConfig().USSD_GATEWAY_SECRETS[0]!;
      const sessionId = `sim-${randomUUID()}`;
      const inputs: string[] = [];
      const interactive = process.stdin.isTTY === true;
      const terminal = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
      const answers = terminal[Symbol.asyncIterator]();
      try {
        process.stdout.write(`dialling ${options.code} from ${phone} at ${options.url}\n`);
        let reply = await post(options, sessionId, phone, secret, '');
        for (;;) {
          show(reply);
          if (reply.startsWith('END ')) break;
          process.stdout.write('> ');
          const next = await answers.next();
          if (next.done) {
            process.stdout.write('\n(input closed; the dialog is left to time out)\n');
            break;
          }
          const answer = String(next.value).trim();
          // Piped answers are not echoed by a terminal: echo them, so that a transcript reads well.
          if (!interactive) process.stdout.write(`${answer}\n`);
          inputs.push(answer);
          reply = await post(options, sessionId, phone, secret, inputs.join('*'));
        }
      } catch (error) {
        process.stderr.write(`smallchange ussd: ${error instanceof Error ? error.message : String(error)}\n`);
        setExitStatus(EXIT.problem);
      } finally {
        terminal.close();
      }
    });
}
