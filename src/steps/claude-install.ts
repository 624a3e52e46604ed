// Installing Claude Code: npm for a pinned version, the official installer for latest.

import { die, download, fn, log, needCmd, plainVersion, retry, versionOf, warn } from "../lib.ts";
import { step } from "../script.ts";
import { sh } from "../sh.ts";
import { note } from "./common.ts";

/** link_on_path BINARY: makes BINARY available as "claude" in every workspace terminal. */
export const linkOnPath = fn(
  "link_on_path",
  [warn],
  sh`
    local target
    target=$(readlink -f "$1")
    if [[ -z "\${CODER_SCRIPT_BIN_DIR:-}" ]]; then
      warn "CODER_SCRIPT_BIN_DIR is not set (not run by a Coder agent?); claude is at \${target}"
      return 0
    fi
    mkdir -p "\${CODER_SCRIPT_BIN_DIR}"
    # -f and -n replace an existing or dangling link in one step.
    ln -sfn "\${target}" "\${CODER_SCRIPT_BIN_DIR}/claude"
  `,
);
export const installClaude = step(
  "install_claude",
  "Installs Claude Code (npm for a pinned version, the official installer for latest), unless the right one is there.",
  [log, die, needCmd, retry, download, plainVersion, versionOf, linkOnPath, note],
  sh`
    local want have installer prefix
    want=$(plain_version "\${ARG_CLAUDE_CODE_VERSION}")
    have=""
    if [[ -x "\${BIN_DIR}/claude" ]]; then
      have=$(version_of "\${BIN_DIR}/claude")
    fi

    if [[ "\${ARG_INSTALL_CLAUDE_CODE}" == false ]]; then
      if [[ -z "\${have}" ]]; then
        local found
        found=$(command -v claude) || die "install_claude_code is false and no claude binary is on PATH"
        ln -sfn "\${found}" "\${BIN_DIR}/claude"
        have=$(version_of "\${BIN_DIR}/claude")
        [[ -n "\${have}" ]] || die "\${found} does not run: 'claude --version' failed"
      fi
      log "using existing Claude Code \${have}"
      note "claude" "\${have} (existing binary)"
    elif [[ -n "\${have}" && ( "\${want}" == latest || "\${want}" == "\${have}" ) ]]; then
      log "Claude Code \${have} is already installed; nothing to install"
      note "claude" "\${have} (already installed)"
    elif [[ "\${want}" == latest ]]; then
      log "installing the latest Claude Code with the official installer"
      installer=$(mktemp "\${MODULE_DIR}/claude-installer.XXXXXX")
      download "\${ARG_CLAUDE_INSTALLER_URL}" "\${installer}"
      if ! bash "\${installer}" latest; then
        rm -f "\${installer}"
        die "the official Claude Code installer failed"
      fi
      rm -f "\${installer}"
      [[ -x "\${HOME}/.local/bin/claude" ]] || die "the installer finished but \${HOME}/.local/bin/claude is missing"
      ln -sfn "\${HOME}/.local/bin/claude" "\${BIN_DIR}/claude"
      have=$(version_of "\${BIN_DIR}/claude")
      [[ -n "\${have}" ]] || die "the installed claude does not run: 'claude --version' failed"
      log "installed Claude Code \${have}"
      note "claude" "\${have} (official installer)"
    else
      need_cmd npm "a pinned claude_code_version is installed from npm"
      prefix="\${MODULE_DIR}/npm"
      log "installing Claude Code \${want} from npm into \${prefix}"
      retry "npm install of @anthropic-ai/claude-code@\${want} failed" 3 2 \\
        npm install --global --prefix "\${prefix}" --no-audit --no-fund --loglevel=error \\
        "@anthropic-ai/claude-code@\${want}"
      ln -sfn "\${prefix}/bin/claude" "\${BIN_DIR}/claude"
      have=$(version_of "\${BIN_DIR}/claude")
      [[ "\${have}" == "\${want}" ]] || die "installed Claude Code reports version '\${have}', expected \${want}"
      log "installed Claude Code \${have}"
      note "claude" "\${have} (npm)"
    fi
    link_on_path "\${BIN_DIR}/claude"
  `,
);
