#!/usr/bin/env node
/** The `mlpc` executable. */
import { finalExitCode, processIo } from "./io.js";
import { run } from "./program.js";

process.exitCode = finalExitCode(await run(process.argv.slice(2), processIo()));
