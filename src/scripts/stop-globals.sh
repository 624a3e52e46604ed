# shellcheck shell=bash
# The stop script's globals, set right after its arguments are read (src/synth.ts puts this
# text, without its shellcheck directives, before the call of main).
# shellcheck disable=SC2034 # read by the functions in src/sh/
# shellcheck disable=SC2154 # ARG_* come from the generated prologue

# What every instance of the module in a workspace shares: the installs (under one start lock) and
# what is kept per work dir or per Claude session.
MODULE_DIR="${HOME}/.claude-module"
BIN_DIR="${MODULE_DIR}/bin"
# What is this instance's own (app_slug): its pid, logs, summary, scripts, status relay and the
# files that find those beside themselves (INSTANCE_BIN). For app_slug "ccw" it is MODULE_DIR.
INSTANCE_DIR="${HOME}/${ARG_INSTANCE_DIR}"
INSTANCE_BIN="${INSTANCE_DIR}/bin"
PID_FILE="${INSTANCE_DIR}/agentapi.pid"
# session_app = "tmux": the socket of the instance's own tmux server, which holds Claude's session.
TMUX_SOCKET="${INSTANCE_DIR}/tmux.sock"
STOP_TIMEOUT=15
LOG_FILE=""
