#!/usr/bin/env bash
# Prints what one process, one subshell and one jq cost on this machine, in microseconds, from a
# bash that holds the start script's functions (a fork copies them): the units a start's time is
# made of. Usage: tools/bench-unit-costs.sh [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${1:-50}
# Everything of the script but its last lines, which read the arguments and run main.
functions=$(sed '/^read_args$/,$d' "${root}/scripts/start.sh")
eval "${functions}"

t0=${EPOCHREALTIME}
for ((i = 0; i < rounds; i++)); do /bin/true; done
t1=${EPOCHREALTIME}
for ((i = 0; i < rounds; i++)); do (:); done
t2=${EPOCHREALTIME}
for ((i = 0; i < rounds; i++)); do jq -n 1 >/dev/null; done
t3=${EPOCHREALTIME}
# $EPOCHREALTIME without its dot is in microseconds.
echo "process $(((${t1/./} - ${t0/./}) / rounds)) subshell $(((${t2/./} - ${t1/./}) / rounds)) jq $(((${t3/./} - ${t2/./}) / rounds))"
