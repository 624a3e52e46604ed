#!/bin/sh
# The claude-code module's session app runs this (written by the module on every start): it opens
# the tmux session in which Claude runs. When Claude is not running (it was exited, or tmux was
# ended), it runs the module's start script first, which starts Claude again, resumed, with the
# arguments the last start saved.
# shellcheck shell=sh
here=$(dirname -- "$0")
socket="${here}/../tmux.sock"
name=$(cat -- "${here}/../session-name") || exit 1
if ! tmux -S "${socket}" has-session -t "=${name}" 2>/dev/null; then
  echo "Claude Code is not running; starting it (resumed)..."
  "${here}/../scripts/start.sh" >/dev/null || {
    echo "Claude Code could not be started: see ${here%/bin}/install.log and ${here%/bin}/session.log" >&2
    exit 1
  }
fi
exec tmux -S "${socket}" attach-session -t "=${name}"
