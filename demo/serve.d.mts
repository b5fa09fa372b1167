/** Types of demo/serve.mjs for the demo's browser test. */
export function startDemoServer(options?: { port?: number; host?: string; tries?: number }): Promise<{ port: number; url: string; close(): Promise<void> }>;
