#!/usr/bin/env node
import { processIo } from './io.js';
import { runCli } from './main.js';

const code = await runCli(process.argv.slice(2), processIo());
// Finished: a stop signal now (a supervisor repeating itself while the process winds down) must not turn the
// command's exit code into death by signal.
process.on('SIGTERM', () => undefined);
process.on('SIGINT', () => undefined);
process.exitCode = code;
// Anything still holding the event loop (a socket closing slowly) must not keep a finished command alive.
setTimeout(() => process.exit(code), 2000).unref();
