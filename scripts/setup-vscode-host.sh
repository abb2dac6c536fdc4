#!/usr/bin/env bash
# The "VS Code" that the extension's end-to-end tests run in (docs/testing-vscode.md): code-server
# 4.100.3 (VS Code 1.100.3's server + web workbench, the last release on Node 20) in
# .cache/vscode-host/, driven by Debian's Chromium through playwright-core (a devDependency).
# @vscode/test-electron cannot download a desktop VS Code on these machines.
#
# Idempotent: a marker file makes a second run return at once. Called by scripts/setup.sh.
#   LAYERLENS_VSCODE_HOST_DIR  install somewhere else (the tests read the same variable)
#   --force                    reinstall even if the marker is there
set -euo pipefail
cd "$(dirname "$0")/.."
CS_VERSION=4.100.3
HOST_DIR=$(realpath -m "${LAYERLENS_VSCODE_HOST_DIR:-.cache/vscode-host}")
MARKER="$HOST_DIR/installed"
ENTRY="$HOST_DIR/cs/node_modules/code-server/out/node/entry.js"
FORCE=; [ "${1:-}" = --force ] && FORCE=1

# 1. Debian packages: chromium (the window), ripgrep (stands in for @vscode/ripgrep's GitHub download),
#    libkrb5-dev (headers for code-server's kerberos addon); node-gyp also needs make, g++, python3.
need_apt=()
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v rg >/dev/null || need_apt+=(ripgrep)
[ -e /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
if [ ! -f "$MARKER" ] || [ -n "$FORCE" ]; then
  { command -v make >/dev/null && command -v g++ >/dev/null; } || need_apt+=(build-essential)
  command -v python3 >/dev/null || need_apt+=(python3)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup-vscode-host: apt-get install ${need_apt[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "setup-vscode-host: please install with apt-get: ${need_apt[*]} (the VS Code tests need them)" >&2
  fi
fi

# 2. Fast path: already installed.
if [ -z "$FORCE" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "code-server@$CS_VERSION" ] && [ -f "$ENTRY" ]; then
  echo "setup-vscode-host: code-server $CS_VERSION already in $HOST_DIR"
  exit 0
fi
if ! command -v rg >/dev/null || [ ! -e /usr/include/gssapi/gssapi.h ]; then
  echo "setup-vscode-host: cannot install code-server without ripgrep and libkrb5-dev; the VS Code tests will fail" >&2
  exit 0   # like setup.sh's other apt packages: tell, and let the rest of the setup go on
fi
rm -f "$MARKER"
mkdir -p "$HOST_DIR/cs" "$HOST_DIR/tmp/rg"

# 3. @vscode/ripgrep's postinstall downloads ripgrep from GitHub unless
#    $TMPDIR/vscode-ripgrep-cache-<pkg version>/ripgrep-<tag>-<target>.tar.gz exists (rg at the tarball's top).
RG_CACHE="$HOST_DIR/tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE"
cp "$(command -v rg)" "$HOST_DIR/tmp/rg/rg"
tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$HOST_DIR/tmp/rg" rg

# 4. code-server. Its postinstall refuses root without npm_config_unsafe_perm=true; node-pty's postinstall
#    runs `npx node-gyp` (npm_config_yes=true, or a user npmrc with yes=false cancels it); node-gyp must
#    use the installed Node headers (nodedir), it cannot download them here.
NODE_PREFIX=$(dirname "$(dirname "$(realpath "$(command -v node)")")")
[ -z "${npm_config_nodedir:-}" ] && [ -f "$NODE_PREFIX/include/node/node.h" ] && export npm_config_nodedir=$NODE_PREFIX
cd "$HOST_DIR/cs"
[ -f package.json ] || echo '{"name":"layerlens-vscode-host","version":"1.0.0","private":true}' > package.json
echo "setup-vscode-host: npm install code-server@$CS_VERSION into $HOST_DIR (about 1.5 min, ~300 MB)" >&2
TMPDIR="$HOST_DIR/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --loglevel=error --save-exact "code-server@$CS_VERSION"

# 5. Verify, then mark.
#    code-server's first run anywhere also prints "Wrote default config file ..." before the version, and
#    writes that file into the user's config folder: run it with its own config folder, keep the last line.
version=$(XDG_CONFIG_HOME="$HOST_DIR/tmp/xdg-config" XDG_DATA_HOME="$HOST_DIR/tmp/xdg-data" node "$ENTRY" --version 2>/dev/null | tail -n 1)
case "$version" in
  "$CS_VERSION "*) ;;
  *) echo "setup-vscode-host: unexpected code-server --version: $version" >&2; exit 1 ;;
esac
echo "code-server@$CS_VERSION" > "$MARKER"
echo "setup-vscode-host: $version"
