// The launcher that main.tf renders into each coder_script. It is the only
// text Terraform values are placed into, and they arrive there base64-encoded
// (alphabet A-Za-z0-9+/=), so they are inert inside single quotes.
// The script itself arrives gzipped: the Coder agent runs a coder_script as one command-line
// argument, which Linux caps at 128 KiB (main.tf checks the total at plan time). For the same
// reason the launcher's own comments are here, not in its text.
// Template syntax: ${x} is filled in by Terraform; $${x} is bash's ${x}. instance_dir is the one
// value placed as it is: main.tf builds it from the validated app_slug ([a-z0-9-]).
//
// What it does:
// - POSIX sh: the agent gives this text to the user's shell, whatever it is (gzip -d fails on a
//   damaged stream, so errexit sees a bad transfer without pipefail).
// - The agent's umask is the user's: the start gives it to what it makes for them (Claude's files);
//   the script and its own files are private (umask 077).
// - It installs the script under ~/<instance_dir>/scripts (where it can be read when debugging),
//   unless the copy installed last time is this script (its digest, written after it) and
//   unedited: installing it again costs five processes. -nt is not POSIX, but dash, bash, zsh and
//   busybox have it, and where it is missing the test is false and the installed copy runs.
// - A home where that dir cannot be made or written (a file in the way, another owner) stops here,
//   before any log exists, so its message says all there is to say.
// - It runs the script with its arguments in CLAUDE_MODULE_ARG_* variables.

export const launchTemplate = `#!/bin/sh
# claude-code module: installs and runs its \${name} script. GENERATED from src/launch.ts (bun run synth).
set -eu
CLAUDE_MODULE_UMASK=$(umask)
export CLAUDE_MODULE_UMASK
umask 077
dir="$\${HOME}/\${instance_dir}/scripts"
file="$\${dir}/\${name}.sh"
stamp="$\${dir}/\${name}.sha256"
digest=""
[ ! -f "$\${stamp}" ] || read -r digest <"$\${stamp}" || :
# shellcheck disable=SC3013
if [ "$\${digest}" != '\${digest}' ] || [ ! -f "$\${file}" ] || [ "$\${file}" -nt "$\${stamp}" ]; then
  if ! { mkdir -p "$\${dir}" 2>/dev/null && [ -w "$\${dir}" ]; }; then
    echo "claude-code: ERROR: cannot write $\${dir}, where this module keeps its scripts and logs; move away a file in its place or make it this user's, then restart (no log was written: this is the whole report)" >&2
    exit 1
  fi
  tmp=$(mktemp "$\${dir}/.\${name}.XXXXXX")
  printf '%s' '\${script}' | base64 -d | gzip -d >"$\${tmp}"
  chmod 0700 "$\${tmp}"
  mv -f "$\${tmp}" "$\${file}"
  echo '\${digest}' >"$\${stamp}"
fi
%{ for key, value in args ~}
export CLAUDE_MODULE_ARG_\${key}='\${value}'
%{ endfor ~}
exec "$\${file}"
`;
