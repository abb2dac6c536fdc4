#!/usr/bin/env bash
# A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath: <this file> }):
# test-electron cannot download VS Code here, so this runs the tests in code-server + headless Chromium
# instead (shim.ts; run-extension-tests.ts is the caller). Runs TypeScript with the repo's tsx.
HERE=$(dirname "$(realpath "$0")")
REPO=$(realpath "$HERE/../../..")
exec node --import "file://$REPO/node_modules/tsx/dist/loader.mjs" "$HERE/shim.ts" "$@"
