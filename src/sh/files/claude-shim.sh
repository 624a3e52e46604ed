# shellcheck shell=bash
# shellcheck disable=SC2154 # wrapper= and claude= (the boundary-run wrapper, the claude binary) are written above this text by boundary_shim
if [[ ! -x "${wrapper}" ]]; then
  printf '%s\n' "claude: network filtering (boundary) is enabled in this workspace but is not set up, so Claude Code does not start; see ${wrapper%/bin/boundary-run}/boundary.log" >&2
  exit 1
fi
exec "${wrapper}" "${claude}" "$@"
