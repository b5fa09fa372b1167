#!/usr/bin/env node
// The built CLI (server/dist, from server/src by `npm run build` at the repo root).
import { main } from '../dist/cli.mjs';

process.exitCode = await main();
