// `npm run bench -- <suite…>`: runs the named benchmark suites (all when none is named).
const suites: Record<string, () => Promise<unknown>> = {
  ledger: () => import('./ledger.ts').then((m) => m.run()),
  credits: () => import('./credits.ts').then((m) => m.run()),
  cashout: () => import('./cashout.ts').then((m) => m.run()),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(suites);
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  await suite();
}
process.exit(0);
