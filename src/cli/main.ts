// `smallchange`: one command with subcommands for operators, partners and auditors.
// Exit codes: 0 success, 1 the check or job found a problem, 2 usage or configuration error.
import { Command, CommanderError } from 'commander';
import { EXIT, exitStatus } from './exit.ts';
import { registerCredits } from './credits.ts';
import { registerMigrate } from './migrate.ts';
import { registerReport } from './report.ts';
import { registerSeed } from './seed.ts';
import { registerSms } from './sms.ts';
import { registerUssd } from './ussd.ts';
import { registerReconcile } from './reconcile.ts';
import { registerPayouts } from './payouts.ts';
import { registerVerify } from './verify.ts';


const program = new Command()
  .name('smallchange')
  .description('smallchange operator CLI: works against the embedded database (DATA_DIR) or DATABASE_URL')
  .exitOverride()
  .showHelpAfterError();

registerVerify(program);
registerMigrate(program);
registerSms(program);
registerSeed(program);
registerReport(program);
registerCredits(program);
registerUssd(program);
registerReconcile(program);
registerPayouts(program);

try {
  await program.parseAsync(process.argv);
  process.exit(exitStatus());
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
  process.stderr.write(`smallchange: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT.usage);
}
