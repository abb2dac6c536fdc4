// `npm run bench`: figures, not pass/fail. Each subject runs in its own process; times are medians
// of repeated runs (see each part).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// The data path (analyze per model: whole process and in-process phases; CLI start-up; 1 GB models).
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'data-path.ts')], { stdio: 'inherit' });
// The profiling figures run in their own process (ORT stays out of this one).
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'profile.ts')], { stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'optimize.ts')], { stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'compress.ts')], { stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'predict.ts')], { stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'lsp.ts')], { stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'graph-view.ts')], { stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'webview.ts')], { stdio: 'inherit' });
// The open path in real VS Code (code-server + Chromium): open → painted graph, cold and warm, by phase.
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'open-path.ts')], { stdio: 'inherit' });
