// Loaded with `node --require` into a process bench/data-path.ts measures: when the process exits
// (normally or through process.exit), appends its peak resident memory (VmHWM, kB) to the file named
// by LAYERLENS_PEAK_RSS_FILE. Plain CommonJS so that it loads before anything else, at no cost.
'use strict';
const fs = require('node:fs'); // eslint-disable-line @typescript-eslint/no-require-imports -- a --require hook is CommonJS
process.on('exit', () => {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  fs.appendFileSync(process.env.LAYERLENS_PEAK_RSS_FILE, `${m ? m[1] : 0}\n`);
});
