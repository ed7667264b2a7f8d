/** `import { sweep } from "mlpc/sweep"`: hyperparameter search in Node (worker threads, files). */
export { sweep, defaultWorkers, writeOutputs, SweepDiagnosticsError, SweepTrialError, type RefitSummary, type SweepEvent, type SweepOptions, type SweepResult } from "./sweep.js";
export type { LeaderboardEntry } from "./leaderboard.js";
export { planSpace, renderSpaceSummary, type SpaceSummary } from "./plan.js";
export { JournalError } from "./journal.js";
export { readCsvFile, type Dataset } from "../data/csv.js";
