#!/usr/bin/env bash
# Runs a command inside boundary with the claude-code module's network policy.
# Rewritten on every workspace start; the boundary command line is in ../boundary/command.
set -euo pipefail
here=$(dirname -- "${BASH_SOURCE[0]}")
mapfile -d "" -t boundary <"${here}/../boundary/command"
# The policy is the module's: the environment must not widen it or confuse boundary's parent/child roles.
unset CHILD VETH_JAIL_NAME BOUNDARY_ALLOW BOUNDARY_CONFIG
# boundary gives every nsjail jail the same subnet: a second one in this network would have none.
if [[ -z "${CLAUDE_MODULE_BOUNDARY_PREFLIGHT:-}" && "$(<"${here}/../boundary/jail")" == nsjail ]] &&
  ip -o link show 2>/dev/null | grep -q ': veth_h_'; then
  printf '%s\n' "boundary: another nsjail jail (the chat's Claude?) already runs in this workspace's network, and a second one would have no network. Use the chat, or set boundary_jail_type = \"landjail\" in the template." >&2
  exit 1
fi
# Several jails run at once (the chat's Claude, terminals): each needs its own proxy port, taken
# below the kernel's range for outgoing connections: a port in use only as the local end of an
# outgoing connection refuses a probe like a free port, yet cannot be listened on.
read -r ephemeral _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || ephemeral=32768
((ephemeral > 12000)) || ephemeral=32768
port=$((10000 + $$ % (ephemeral - 11000)))
for ((n = 0; n < 200; n++)); do
  (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null || break
  port=$((port + 1))
done
# boundary keeps its CA under XDG_CONFIG_HOME, else under the passwd home, which need not be writable
# (/nonexistent, arbitrary-UID containers): it gets a directory of the module's. The coder CLI
# (boundary's default mode) keeps finding its session where it was, and the jailed command gets
# the environment it would have had.
restore=(env)
for name in XDG_CONFIG_HOME CODER_CONFIG_DIR; do
  [[ -n "${!name+set}" ]] || restore+=(-u "${name}")
done
# What the jailed command must not have at all (the agent's token, when the module's relay reports
# the status from outside the jail), one name a line.
while IFS= read -r name; do
  [[ -z "${name}" ]] || restore+=(-u "${name}")
done <"${here}/../boundary/unset"
for name in XDG_CONFIG_HOME CODER_CONFIG_DIR; do
  [[ -z "${!name+set}" ]] || restore+=("${name}=${!name}")
done
export CODER_CONFIG_DIR="${CODER_CONFIG_DIR:-${XDG_CONFIG_HOME:-${HOME}/.config}/coderv2}"
export XDG_CONFIG_HOME="${here}/../boundary/config"
exec "${boundary[@]}" --log-dir "${CLAUDE_MODULE_BOUNDARY_LOG_DIR:-${here}/../boundary/logs}" --proxy-port "${port}" -- "${restore[@]}" "$@"
