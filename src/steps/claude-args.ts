// The arguments Claude Code is started with under AgentAPI: the one place that decides its command line.

import { fn, log, warn } from "../lib.ts";
import { sh } from "../sh.ts";
import { note } from "./common.ts";
import { chooseSession } from "./session.ts";

/** permission_args: appends the permission flags to CLAUDE_ARGS. A task runs unattended, so with
 * report_tasks and no explicit permission_mode Claude skips permission prompts (as upstream);
 * an explicit permission_mode is passed alone and never overridden. */
export const permissionArgs = fn(
  "permission_args",
  [warn, note],
  sh`
    local mode=\${ARG_PERMISSION_MODE} skip=false why=""
    if [[ "\${ARG_DANGEROUSLY_SKIP_PERMISSIONS}" == true ]]; then
      skip=true
      why="dangerously_skip_permissions"
    elif [[ "\${ARG_REPORT_TASKS}" == true && -z "\${mode}" ]]; then
      skip=true
      why="the task default; set permission_mode to choose another"
    fi
    if [[ "\${skip}" == true ]]; then
      CLAUDE_ARGS+=(--dangerously-skip-permissions)
      note "permissions" "skipped (\${why})"
    fi
    if [[ -n "\${mode}" ]]; then
      CLAUDE_ARGS+=(--permission-mode "\${mode}")
      note "permissions" "\${mode} (permission_mode)"
    fi
    if [[ "\${skip}" == false && -z "\${mode}" ]]; then
      note "permissions" "Claude's default"
    fi
    if [[ "\${skip}" == false && "\${mode}" != bypassPermissions ]]; then
      return 0
    fi
    # Choosing bypass in the template is the consent Claude's "accept all responsibility" dialog asks
    # for; unanswered, that dialog would hold an unattended task (and its prompt) forever. Given as a
    # flag setting, so no settings file of the user's is written.
    CLAUDE_ARGS+=(--settings '{"skipDangerousModePermissionPrompt":true}')
    # Claude refuses to bypass permissions as root unless told it runs in a sandbox; a workspace is one.
    if [[ "\${EUID}" -eq 0 && "\${IS_SANDBOX:-}" != 1 ]]; then
      export IS_SANDBOX=1
      warn "running as root: set IS_SANDBOX=1 for Claude, which otherwise refuses to bypass permissions as root"
      note "root" "IS_SANDBOX=1 set so Claude accepts bypassing permissions"
    fi
  `,
);

/** tool_args FLAG LABEL RULES: appends FLAG and each rule (one per line in RULES) as its own argument. */
export const toolArgs = fn(
  "tool_args",
  [note],
  sh`
    local rules=()
    [[ -n "$3" ]] || return 0
    mapfile -t rules <<<"$3"
    CLAUDE_ARGS+=("$1" "\${rules[@]}")
    note "$2" "\${#rules[@]} rule(s)"
  `,
);

/** claude_args: fills the global array CLAUDE_ARGS with Claude's command-line arguments. */
export const claudeArgs = fn(
  "claude_args",
  [log, note, chooseSession, permissionArgs, toolArgs],
  sh`
    choose_session
    CLAUDE_ARGS=("\${SESSION_ARGS[@]}")
    permission_args
    tool_args --allowedTools "allowed tools" "\${ARG_ALLOWED_TOOLS}"
    tool_args --disallowedTools "denied tools" "\${ARG_DISALLOWED_TOOLS}"
    local shown=""
    if ((\${#CLAUDE_ARGS[@]} > 0)); then
      printf -v shown ' %q' "\${CLAUDE_ARGS[@]}"
    fi
    log "Claude's arguments (the prompt not shown):\${shown}"
    # Last, after "--": the tool flags take every word up to the next option.
    if [[ "\${SEND_PROMPT}" == true && -n "\${ARG_AI_PROMPT}" ]]; then
      CLAUDE_ARGS+=(-- "\${ARG_AI_PROMPT}")
      note "prompt" "sent (a new session)"
    elif [[ -n "\${ARG_AI_PROMPT}" ]]; then
      note "prompt" "not sent (the session was resumed)"
    fi
  `,
);
