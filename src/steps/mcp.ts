// MCP servers from the template, reconciled in the work dir.

import { atomicWrite, b64d, log, sha256Of, warn } from "../lib.ts";
import { step } from "../script.ts";
import { sh } from "../sh.ts";
import { note } from "./common.ts";

export const configureMcp = step(
  "configure_mcp",
  "Reconciles the template's MCP servers with Claude's config in the work dir; a rejected server is skipped and reported.",
  [log, warn, b64d, sha256Of, atomicWrite, note],
  sh`
    local state_dir="\${MODULE_DIR}/mcp" name_b64 json_b64 name json key want out
    local added=0 unchanged=0 skipped=0 removed=0 skipped_names=""
    local -A keep=()
    cd -- "\${WORKDIR}"
    while read -r name_b64 json_b64; do
      [[ -n "\${name_b64}" ]] || continue
      name=$(b64d "\${name_b64}")
      json=$(b64d "\${json_b64}")
      key=$(sha256_of "\${WORKDIR}/\${name}")
      keep["\${key}"]=1
      want=$(sha256_of "\${json}")
      if [[ -f "\${state_dir}/\${key}" && "$(<"\${state_dir}/\${key}")" == "\${want} \${name_b64}" ]]; then
        unchanged=$((unchanged + 1))
        continue
      fi
      # A changed definition replaces the old one; add-json refuses an existing name.
      "\${BIN_DIR}/claude" mcp remove --scope local "\${name}" >/dev/null 2>&1 || true
      # Claude's messages can echo the definition (and its secrets), so only its exit status is used.
      if out=$("\${BIN_DIR}/claude" mcp add-json --scope local "\${name}" "\${json}" 2>&1); then
        printf '%s %s' "\${want}" "\${name_b64}" | atomic_write "\${state_dir}/\${key}" 0600
        log "MCP server '\${name}' configured"
        added=$((added + 1))
      else
        rm -f "\${state_dir}/\${key}"
        warn "MCP server '\${name}' was rejected by Claude Code and skipped"
        skipped=$((skipped + 1))
        skipped_names+=" \${name}"
      fi
    done <<<"\${ARG_MCP_SERVERS}"
    unset out

    # Servers this module added earlier that the template no longer lists.
    local file entry
    for file in "\${state_dir}"/*; do
      [[ -f "\${file}" ]] || continue
      key=\${file##*/}
      [[ -z "\${keep[\${key}]:-}" ]] || continue
      entry=$(<"\${file}")
      name=$(b64d "\${entry#* }")
      "\${BIN_DIR}/claude" mcp remove --scope local "\${name}" >/dev/null 2>&1 || true
      rm -f "\${file}"
      log "MCP server '\${name}' removed (no longer in the template)"
      removed=$((removed + 1))
    done
    note "mcp" "\${added} added, \${unchanged} unchanged, \${removed} removed, \${skipped} skipped\${skipped_names:+ (\${skipped_names# })}"
  `,
);
