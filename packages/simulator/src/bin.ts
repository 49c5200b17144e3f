#!/usr/bin/env node
import { runSimulateCommand } from './cli.js';

process.exitCode = await runSimulateCommand(process.argv.slice(2));
