// UI scenarios: test/vscode/ui/<name>.ui.ts files, each exporting `scenario: UiScenario`.
// vscode.test.ts runs them all on one shared code-server (one fresh browser and workspace each).
import { rmSync } from 'node:fs';
import type { CodeServer } from './code-server';
import { EXTENSION_UNDER_TEST, KEEP_RUN_DIRS, makeWorkspace, SAMPLE_MODEL } from './paths';
import { withWorkbench, type Workbench } from './workbench';

export interface UiScenario {
  /** Test name and screenshot prefix. */
  name: string;
  /** Files (absolute paths) copied into the scenario's fresh workspace; default: the sample model. */
  files?: string[];
  /** Text files written into the workspace, by relative name. */
  texts?: Record<string, string>;
  /**
   * The extension: 'development' (default) loads the folder under test (the repo) through the URL;
   * { vsix } installs a package on a server of the scenario's own; 'none' opens a plain workbench.
   */
  extension?: 'development' | 'none' | { vsix: string };
  /** Default wait/action timeout for the page object, ms. */
  timeoutMs?: number;
  run(wb: Workbench, ctx: { workspace: string; extensionPath: string }): Promise<void>;
}

export async function runScenario(s: UiScenario, shared: CodeServer | undefined): Promise<void> {
  const workspace = makeWorkspace(s.files ?? [SAMPLE_MODEL], s.texts);
  const ext = s.extension ?? 'development';
  try {
    await withWorkbench(
      {
        scenario: s.name,
        folder: workspace,
        timeoutMs: s.timeoutMs,
        ...(typeof ext === 'object' ? { vsix: ext.vsix } : { server: shared, extensionDevelopmentPath: ext === 'development' ? EXTENSION_UNDER_TEST : undefined }),
      },
      (wb) => s.run(wb, { workspace, extensionPath: EXTENSION_UNDER_TEST }),
    );
  } finally {
    if (!KEEP_RUN_DIRS) rmSync(workspace, { recursive: true, force: true });
  }
}
