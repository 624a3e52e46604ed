#!/usr/bin/env bash
# Claude Code's hooks run this (written by the claude-code module on every start): it turns the
# event on stdin into the app status Coder shows and appends it to ../status/events, where the
# module's relay, outside any boundary jail, sends it to the Coder agent. It never fails a hook:
# an exit status of 2 would block Claude's tool call.
# shellcheck shell=bash
set -uo pipefail
here=$(dirname -- "${BASH_SOURCE[0]}")
status_dir="${here}/../status"
slug=$(<"${status_dir}/app-slug") || exit 0
# After a permission prompt no hook fires when the user answers it; the tool's end is the first
# sign that Claude works again, so only then does the end of a tool report anything. A finished turn
# stays complete (with its summary) and a failed one a failure until the next prompt: Claude's idle
# notification a minute later must not hide what the turn ended with.
last_state=$(tail -n 1 -- "${status_dir}/events" 2>/dev/null | jq -r '.state // empty' 2>/dev/null) || last_state=""
# Coder takes a message of at most 160 bytes; the first non-blank line says what matters.
line=$(jq -c --arg slug "${slug}" --arg last_state "${last_state}" '
  def first_line: (. // "") | tostring | [splits("\n") | select(test("\\S"))] | (.[0] // "") | sub("^\\s+"; "");
  def cut: if utf8bytelength > 159 then .[0:length - 1] | cut else . end;
  def status(state; message): {app_slug: $slug, state: state, message: (message | cut), uri: ""};
  if .hook_event_name == "UserPromptSubmit" then status("working"; .prompt | first_line)
  elif .hook_event_name == "PreToolUse" then status("working"; "Using \(.tool_name // "a tool")")
  elif (.hook_event_name == "PostToolUse" or .hook_event_name == "PostToolUseFailure") and $last_state == "idle" then
    status("working"; "Continuing after \(.tool_name // "a tool")")
  elif .hook_event_name == "Notification" and .notification_type == "permission_prompt" then
    status("idle"; .message | first_line)
  elif .hook_event_name == "Notification" and .notification_type == "idle_prompt" and ($last_state | IN("failure", "complete") | not) then
    status("idle"; "Waiting for input")
  elif .hook_event_name == "Stop" then status("complete"; .last_assistant_message | first_line)
  elif .hook_event_name == "StopFailure" then
    status("failure"; "\(.error // "error"): \(.last_assistant_message | first_line)")
  else empty end
' 2>/dev/null) || exit 0
if [[ -n "${line}" ]]; then
  printf '%s\n' "${line}" >>"${status_dir}/events"
fi
exit 0
