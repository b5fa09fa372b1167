/** Types of demo/serve.mjs for the demo's browser test. */
export const DEMO_READ_TOKEN: string;
export function startDemoServer(options?: {
  port?: number;
  host?: string;
  tries?: number;
  /** SQLite file of the demo's collector. */
  receiptsDb?: string;
}): Promise<{ port: number; url: string; receiptsDb: string; close(): Promise<void> }>;
