// The product's HTTP server for the credits benchmark, in its own process so that its resident
// memory can be measured apart from the load generator. Prints {"port":…} once it listens.
import { loadConfig } from '../src/config/index.ts';
import { createRuntime } from '../src/runtime.ts';

const runtime = await createRuntime(loadConfig());
const address = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: Number(new URL(address).port) })}\n`);
const stop = () => {
  runtime.close().then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
