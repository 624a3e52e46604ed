#!/usr/bin/env bash
# TEST DOUBLE of the official Claude Code installer (https://claude.ai/install.sh),
# served by test/lib/release-server.ts. Like the real one it takes a target
# ("latest", "stable" or a version), downloads the native binary and links it as
# ~/.local/bin/claude. The server replaces __BASE_URL__ with its own address.
set -euo pipefail
target=${1:-latest}
base="__BASE_URL__"
version=$(curl -fsSL "${base}/claude/${target}")
dir="${HOME}/.local/share/claude/versions"
mkdir -p "${dir}" "${HOME}/.local/bin"
curl -fsSL -o "${dir}/${version}" "${base}/claude/binary/${version}"
chmod 0755 "${dir}/${version}"
ln -sfn "${dir}/${version}" "${HOME}/.local/bin/claude"
echo "Claude Code ${version} installed to ${HOME}/.local/bin/claude"
