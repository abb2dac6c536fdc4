// The extension host's output comes back mixed with the workbench's own log lines (connection,
// caches, gallery): those are left out of what the shim prints unless LAYERLENS_E2E_VERBOSE=1.
const WORKBENCH_NOISE = [
  /^Resolving connection token/,
  /^Resolved connection token/,
  /^Creating a socket/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
  /^Updating additional builtin extensions cache/,
  /^Ignoring fetching additional builtin extensions from gallery/,
  /^Creation of workbench contribution/,
];

export const VERBOSE = !!process.env.LAYERLENS_E2E_VERBOSE;

export function isWorkbenchNoise(line: string): boolean {
  return WORKBENCH_NOISE.some((re) => re.test(line));
}

/** The output without the workbench's log lines (mocha's report, the tests' console output). */
export function testOutput(output: string): string {
  return output
    .split('\n')
    .filter((l) => !isWorkbenchNoise(l))
    .join('\n')
    .trim();
}
