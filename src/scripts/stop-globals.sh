# shellcheck shell=bash
# The stop script's globals, set right after its arguments are read (src/synth.ts puts this
# text, without its shellcheck directives, before the call of main).
# shellcheck disable=SC2034 # read by the functions in src/sh/

MODULE_DIR="${HOME}/.claude-module"
BIN_DIR="${MODULE_DIR}/bin"
PID_FILE="${MODULE_DIR}/agentapi.pid"
# session_app = "tmux": the socket of the module's own tmux server, which holds Claude's session.
TMUX_SOCKET="${MODULE_DIR}/tmux.sock"
STOP_TIMEOUT=15
LOG_FILE=""
