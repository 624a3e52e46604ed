#!/usr/bin/env bash
# Sends the app statuses Claude Code's hooks append to ../status/events to the Coder agent API
# (written by the claude-code module, which starts it outside any boundary jail, so the agent's
# token never has to enter the jail). One line of its log per status it could not send.
# shellcheck shell=bash
set -uo pipefail
# Its directory without dirname: each process here counts against the start's.
here=${BASH_SOURCE[0]%/*}
[[ "${here}" != "${BASH_SOURCE[0]}" ]] || here=.
status_dir="${here}/../status"
base=${CODER_AGENT_URL:-$(<"${status_dir}/agent-url")}
url="${base%/}/api/v2/workspaceagents/me/app-status"
# send STATUS_JSON: PATCHes one status; the token goes to curl on stdin, never in its arguments.
send() {
  local out
  local -a curl_args=(--silent --show-error --fail-with-body --max-time 10 --config - --request PATCH)
  curl_args+=(--header 'Content-Type: application/json' --data-binary "$1")
  if ! out=$(printf 'header = "Coder-Session-Token: %s"\n' "${CODER_AGENT_TOKEN:-}" | curl "${curl_args[@]}" -- "${url}" 2>&1); then
    printf '%(%H:%M:%S)T status not sent to %s: %s (%s)\n' -1 "${url}" "${out//$'\n'/ }" "$1"
  fi
}
printf '%(%H:%M:%S)T relaying app statuses to %s\n' -1 "${url}"
while true; do
  # shellcheck disable=SC2312 # tail's status is of no use: the loop restarts it when it ends
  while IFS= read -r status; do
    send "${status}"
  done < <(tail -n 0 -F -- "${status_dir}/events" 2>/dev/null)
  printf '%(%H:%M:%S)T tail ended; restarting it\n' -1
  sleep 1
done
