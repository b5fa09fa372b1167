/**
 * Progress on stderr: a bar redrawn in place when stderr is a terminal, plain lines otherwise (a
 * CI log keeps every line; a bar's carriage returns would make it unreadable).
 */
import type { ScanProgress } from './scan';

const WIDTH = 24;

export interface Progress extends ScanProgress {
  /** Ends the bar's line. */
  end(): void;
}

export function createProgress(stream: NodeJS.WriteStream, prefix = 'consentgate-scan'): Progress {
  const tty = stream.isTTY === true;
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[K');
    drawn = false;
  };
  return {
    page(done, planned, url, error) {
      const path = new URL(url).pathname + new URL(url).search;
      if (!tty) {
        stream.write(`${prefix}: [${done}/${planned}] ${url}${error ? ` — ${error}` : ''}\n`);
        return;
      }
      clear();
      if (error) stream.write(`${prefix}: ${url} — ${error}\n`);
      const filled = Math.round((WIDTH * done) / Math.max(planned, 1));
      const columns = stream.columns || 80;
      const line = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${planned} pages  ${path}`;
      stream.write(line.length > columns - 1 ? line.slice(0, columns - 2) + '…' : line);
      drawn = true;
    },
    note(message) {
      clear();
      stream.write(`${prefix}: ${message}\n`);
    },
    end() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
