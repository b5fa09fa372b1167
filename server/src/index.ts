/** The collector as a library (tests, the load test, embedding): the CLI is `cli.ts`. */
export { createCollector, type Collector, type HttpOptions } from './http';
export { openStore, engineOf } from './open-store';
export { type ReceiptStore, type StoredReceipt, type PutResult, type DayCount, type TimeRange, type Engine } from './store';
export { parseReceipt, canonicalJson, type ParsedReceipt, type ReceiptProblem } from './validate';
export { migrations } from './migrations';
export { dayRange } from './dates';
export { csvCell, csvRow, csvHeader, CSV_COLUMNS } from './csv';
export { parseCli, type CliConfig } from './config';
export { main } from './cli';
