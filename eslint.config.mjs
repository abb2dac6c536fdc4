// Lint: typescript-eslint's recommended rules plus the layering of ARCHITECTURE.md
// (no 'vscode' outside src/extension; nothing Node-specific in src/core).
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url', 'util', 'stream', 'events'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'src/core/onnx/gen/**', 'src/core/tflite/gen/**', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: "Only src/extension may import 'vscode'." }] }],
    },
  },
  // The extension is the one place that speaks to VS Code.
  { files: ['src/extension/**/*.ts', 'test/vscode/suite/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
  // The webview runs in a browser: no Node built-ins, no 'vscode', only type imports from below.
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview talks to the extension by messages only.' }, ...nodeBuiltins.map((name) => ({ name, message: 'The webview runs in a browser.' }))],
          patterns: [{ group: ['node:*'], message: 'The webview runs in a browser.' }, { group: ['**/node/*', '**/server/*', '**/extension/*', '**/cli/*'], message: 'The webview gets data by messages, not by importing host code.' }],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: "Only src/extension may import 'vscode'." }, ...nodeBuiltins.map((name) => ({ name, message: 'src/core runs anywhere: no Node built-ins.' }))],
          patterns: [{ group: ['node:*'], message: 'src/core runs anywhere: no Node built-ins.' }, { group: ['**/node/*', '**/cli/*', '**/server/*', '**/extension/*'], message: 'src/core may not import upper layers.' }],
        },
      ],
    },
  },
);
