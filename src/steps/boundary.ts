// Boundary: Claude Code (and everything it starts) may only reach the hosts of
// an allowlist. Installed from one of three sources, configured, and checked
// with a trivial jailed command before Claude starts. When the check fails,
// Claude is not started unless the template opted into running unfiltered.

import {
  atomicWrite,
  die,
  download,
  expandHome,
  fn,
  log,
  needCmd,
  plainVersion,
  releaseArch,
  versionOf,
  warn,
} from "../lib.ts";
import { step } from "../script.ts";
import { Sh, sh } from "../sh.ts";
import { linkAs } from "./claude-install.ts";
import { note } from "./common.ts";

/** Hosts Claude Code needs to work (checked against Claude Code 2.1): the API, sign-in,
 * remote MCP connectors, feature flags and its error and usage reporting. boundary's
 * `domain=` matches the exact host; `*.` matches subdomains only. */
export const claudeCodeHosts = [
  "api.anthropic.com",
  "statsig.anthropic.com",
  "mcp-proxy.anthropic.com",
  "claude.ai",
  "claude.com",
  "platform.claude.com",
  "*.ingest.us.sentry.io",
  "http-intake.logs.us5.datadoghq.com",
];

/** Each item as one single-quoted word (even "fi" or "done", which would read as keywords). */
const words = (items: readonly string[]): Sh => new Sh(items.map((i) => `'${i.replaceAll("'", `'\\''`)}'`).join(" "));

/** url_host URL: the host name of URL (no scheme, credentials, port or path), or nothing. */
const urlHost = fn(
  "url_host",
  [],
  sh`
    local host=\${1#*://}
    host=\${host%%[/?#]*}
    host=\${host##*@}
    host=\${host%:*}
    if [[ "\${host}" =~ ^[A-Za-z0-9.-]+$ ]]; then
      printf '%s' "\${host}"
    fi
  `,
);

/** boundary_from_coder, boundary_from_release, boundary_from_source: set BOUNDARY_CMD (how to
 * run boundary) and BOUNDARY_FROM (what the summary says), or die with the cause and the fix. */
const boundaryFromCoder = fn(
  "boundary_from_coder",
  [log, die],
  sh`
    local coder sub
    coder=$(command -v coder) ||
      die "boundary is enabled in its default mode, which runs 'coder boundary', but no coder CLI is on PATH. Fix: put the workspace's coder CLI on PATH, or set use_boundary_directly = true to download boundary \${ARG_BOUNDARY_VERSION}"
    # Coder 2.36 renamed the subcommand agent-firewall; "boundary" stays as a deprecated alias that
    # prints a notice into Claude's screen.
    for sub in agent-firewall boundary; do
      if "\${coder}" "\${sub}" --help >/dev/null 2>&1; then
        BOUNDARY_CMD=("\${coder}" "\${sub}")
        BOUNDARY_FROM="coder \${sub} (\${coder})"
        log "using the coder CLI's \${sub} subcommand: \${coder}"
        return 0
      fi
    done
    die "the coder CLI at \${coder} has no 'boundary' (or 'agent-firewall') subcommand: only Coder's enterprise builds (the official release binaries) have it, and it runs only with a Premium license that includes boundary (AI governance). Fix: set use_boundary_directly = true to download boundary \${ARG_BOUNDARY_VERSION} (no license needed), or compile_boundary_from_source = true"
  `,
);

/** installed_boundary: the version ~/.claude-module/bin/boundary reports, or nothing. */
const installedBoundary = fn(
  "installed_boundary",
  [versionOf],
  sh`
    if [[ -x "\${BIN_DIR}/boundary" ]]; then
      version_of "\${BIN_DIR}/boundary"
    fi
  `,
);

const boundaryFromRelease = fn(
  "boundary_from_release",
  [log, die, needCmd, download, plainVersion, versionOf, releaseArch, installedBoundary],
  sh`
    local want have arch asset url work
    want=$(plain_version "\${ARG_BOUNDARY_VERSION}")
    BOUNDARY_CMD=("\${BIN_DIR}/boundary")
    have=$(installed_boundary)
    if [[ -n "\${have}" && "\${have}" == "\${want}" ]]; then
      log "boundary \${want} is already installed; nothing to download"
      BOUNDARY_FROM="v\${want} (release, already installed)"
      return 0
    fi
    arch=$(release_arch boundary)
    need_cmd tar "to unpack the boundary release"
    asset="boundary-linux-\${arch}"
    url="\${ARG_BOUNDARY_RELEASES_URL}/download/v\${want}/\${asset}.tar.gz"
    rm -rf "\${BOUNDARY_DIR}"/download.*
    work=$(mktemp -d "\${BOUNDARY_DIR}/download.XXXXXX")
    log "downloading boundary from \${url}"
    download "\${url}" "\${work}/\${asset}.tar.gz" "\${ARG_BOUNDARY_SHA256}"
    tar -xzf "\${work}/\${asset}.tar.gz" -C "\${work}" "\${asset}" ||
      die "the boundary archive \${url} does not hold \${asset}"
    chmod 0755 "\${work}/\${asset}"
    have=$(version_of "\${work}/\${asset}")
    [[ "\${have}" == "\${want}" ]] ||
      die "the downloaded boundary reports version '\${have}', expected \${want} (\${url})"
    mv -f "\${work}/\${asset}" "\${BIN_DIR}/boundary"
    rm -rf "\${work}"
    log "installed boundary \${have}"
    BOUNDARY_FROM="v\${have} (release \${url})"
  `,
);

// The Go module proxy rather than git: a version there is immutable and checked against the
// Go checksum database, GOPROXY mirrors work in restricted networks, and nothing is cloned
// into the work dir. The module's own go.sum pins every dependency.
const boundaryFromSource = fn(
  "boundary_from_source",
  [log, die, needCmd, plainVersion, versionOf, installedBoundary],
  sh`
    local want have json src build proxy module="github.com/coder/boundary" dir_re='"Dir": "([^"]+)"'
    want=$(plain_version "\${ARG_BOUNDARY_VERSION}")
    BOUNDARY_CMD=("\${BIN_DIR}/boundary")
    have=$(installed_boundary)
    if [[ -n "\${have}" && "\${have}" == "\${want}" ]]; then
      log "boundary \${want} is already built; nothing to build"
      BOUNDARY_FROM="v\${want} (built from source, already installed)"
      return 0
    fi
    need_cmd go "compile_boundary_from_source builds boundary with the Go toolchain"
    proxy=$(go env GOPROXY)
    log "fetching \${module}@v\${want} from the Go module proxy (\${proxy})"
    if ! json=$(cd -- "\${BOUNDARY_DIR}" && GOWORK=off GOFLAGS="" go mod download -json "\${module}@v\${want}" 2>&1); then
      printf '%s\\n' "\${json}" >&2
      die "could not download \${module}@v\${want} from the Go module proxy (see above)"
    fi
    [[ "\${json}" =~ \${dir_re} ]] || die "go mod download did not say where it put \${module}@v\${want}"
    src=\${BASH_REMATCH[1]}
    rm -rf "\${BOUNDARY_DIR}"/build.*
    build=$(mktemp -d "\${BOUNDARY_DIR}/build.XXXXXX")
    log "building boundary v\${want} in \${src}"
    if ! (cd -- "\${src}" && GOWORK=off GOFLAGS=-mod=readonly CGO_ENABLED=0 \\
      go build -trimpath -ldflags "-X main.version=v\${want}" -o "\${build}/boundary" ./cmd/boundary); then
      die "go build of boundary v\${want} failed (see above)"
    fi
    have=$(version_of "\${build}/boundary")
    [[ "\${have}" == "\${want}" ]] || die "the boundary built from \${module}@v\${want} reports version '\${have}'"
    mv -f "\${build}/boundary" "\${BIN_DIR}/boundary"
    rm -rf "\${build}"
    log "built boundary \${have}"
    BOUNDARY_FROM="v\${have} (built from source)"
  `,
);

/** allow_host HOST WHY: adds domain=HOST to BOUNDARY_RULES once. */
const allowHost = fn(
  "allow_host",
  [log],
  sh`
    local rule="domain=$1" existing
    for existing in "\${BOUNDARY_RULES[@]}"; do
      [[ "\${existing}" != "\${rule}" ]] || return 0
    done
    BOUNDARY_RULES+=("\${rule}")
    log "allowing $1 ($2)"
  `,
);

/** allow_url_host URL NAME: allows the host of URL (from the variable NAME), when set. */
const allowUrlHost = fn(
  "allow_url_host",
  [warn, urlHost, allowHost],
  sh`
    local host
    [[ -n "$1" ]] || return 0
    host=$(url_host "$1")
    if [[ -n "\${host}" ]]; then
      allow_host "\${host}" "$2"
    else
      warn "cannot allow the host of $2: it is not a plain host name; add a rule for it with boundary_allowlist"
    fi
  `,
);

/** boundary_rules: fills BOUNDARY_RULES with the module's rules: what Claude Code needs, the
 * Coder deployment, the model backend Claude is configured for, and the template's rules. */
const boundaryRules = fn(
  "boundary_rules",
  [warn, allowHost, allowUrlHost],
  sh`
    local host region rule
    BOUNDARY_RULES=()
    for host in ${words(claudeCodeHosts)}; do
      allow_host "\${host}" "Claude Code"
    done
    if [[ -n "\${ARG_BOUNDARY_CODER_HOST}" ]]; then
      allow_host "\${ARG_BOUNDARY_CODER_HOST}" "the Coder deployment"
    else
      warn "the Coder deployment's host is not a plain host name; add a rule for it with boundary_allowlist"
    fi
    allow_url_host "\${ANTHROPIC_BASE_URL:-}" ANTHROPIC_BASE_URL
    if [[ "\${CLAUDE_CODE_USE_BEDROCK:-}" == 1 || "\${CLAUDE_CODE_USE_BEDROCK:-}" == true ]]; then
      region=\${AWS_REGION:-\${AWS_DEFAULT_REGION:-}}
      if [[ ! "\${region}" =~ ^[a-z0-9-]+$ ]]; then
        warn "AWS_REGION is not set; allowing Bedrock in every region"
        region="*"
      fi
      for host in "bedrock-runtime.\${region}.amazonaws.com" "bedrock.\${region}.amazonaws.com" \\
        "sts.\${region}.amazonaws.com" sts.amazonaws.com; do
        allow_host "\${host}" "Amazon Bedrock"
      done
      allow_url_host "\${ANTHROPIC_BEDROCK_BASE_URL:-}" ANTHROPIC_BEDROCK_BASE_URL
    fi
    if [[ "\${CLAUDE_CODE_USE_VERTEX:-}" == 1 || "\${CLAUDE_CODE_USE_VERTEX:-}" == true ]]; then
      region=\${CLOUD_ML_REGION:-}
      if [[ "\${region}" =~ ^[a-z0-9-]+$ && "\${region}" != global ]]; then
        allow_host "\${region}-aiplatform.googleapis.com" "Google Vertex AI"
      fi
      allow_host aiplatform.googleapis.com "Google Vertex AI"
      allow_host oauth2.googleapis.com "Google Vertex AI sign-in"
      allow_url_host "\${ANTHROPIC_VERTEX_BASE_URL:-}" ANTHROPIC_VERTEX_BASE_URL
    fi
    if [[ -z "\${ARG_BOUNDARY_CONFIG_PATH}" ]]; then
      while IFS= read -r rule; do
        if [[ -n "\${rule}" ]]; then
          BOUNDARY_RULES+=("\${rule}")
        fi
      done <<<"\${ARG_BOUNDARY_ALLOWLIST}"
    fi
  `,
);

// The wrapper is static; what it runs is data in ~/.claude-module/boundary/command (NUL-separated),
// so no value is ever turned into shell code.
const wrapperLines = [
  "#!/usr/bin/env bash",
  "# Runs a command inside boundary with the claude-code module's network policy.",
  "# Rewritten on every workspace start; the boundary command line is in ../boundary/command.",
  "set -euo pipefail",
  'here=$(dirname -- "${BASH_SOURCE[0]}")',
  'mapfile -d "" -t boundary <"${here}/../boundary/command"',
  "# The policy is the module's: the environment must not widen it or confuse boundary's parent/child roles.",
  "unset CHILD VETH_JAIL_NAME BOUNDARY_ALLOW BOUNDARY_CONFIG",
  "# boundary gives every nsjail jail the same subnet: a second one in this network would have none.",
  'if [[ -z "${CLAUDE_MODULE_BOUNDARY_PREFLIGHT:-}" && "$(<"${here}/../boundary/jail")" == nsjail ]] &&',
  "  ip -o link show 2>/dev/null | grep -q ': veth_h_'; then",
  `  printf '%s\\n' "boundary: another nsjail jail (the chat's Claude?) already runs in this workspace's network, and a second one would have no network. Use the chat, or set boundary_jail_type = \\"landjail\\" in the template." >&2`,
  "  exit 1",
  "fi",
  "# Several jails run at once (the chat's Claude, terminals): each needs its own proxy port, taken",
  "# below the kernel's range for outgoing connections: a port in use only as the local end of an",
  "# outgoing connection refuses a probe like a free port, yet cannot be listened on.",
  "read -r ephemeral _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || ephemeral=32768",
  "((ephemeral > 12000)) || ephemeral=32768",
  "port=$((10000 + $$ % (ephemeral - 11000)))",
  "for ((n = 0; n < 200; n++)); do",
  '  (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null || break',
  "  port=$((port + 1))",
  "done",
  "# boundary keeps its CA under XDG_CONFIG_HOME, else under the passwd home, which need not be writable",
  "# (/nonexistent, arbitrary-UID containers): it gets a directory of the module's. The coder CLI",
  "# (boundary's default mode) keeps finding its session where it was, and the jailed command gets",
  "# the environment it would have had.",
  "restore=(env)",
  "for name in XDG_CONFIG_HOME CODER_CONFIG_DIR; do",
  '  [[ -n "${!name+set}" ]] || restore+=(-u "${name}")',
  "done",
  "for name in XDG_CONFIG_HOME CODER_CONFIG_DIR; do",
  '  [[ -z "${!name+set}" ]] || restore+=("${name}=${!name}")',
  "done",
  'export CODER_CONFIG_DIR="${CODER_CONFIG_DIR:-${XDG_CONFIG_HOME:-${HOME}/.config}/coderv2}"',
  'export XDG_CONFIG_HOME="${here}/../boundary/config"',
  'exec "${boundary[@]}" --log-dir "${CLAUDE_MODULE_BOUNDARY_LOG_DIR:-${here}/../boundary/logs}" --proxy-port "${port}" -- "${restore[@]}" "$@"',
];

const shimLines = [
  'if [[ ! -x "${wrapper}" ]]; then',
  "  printf '%s\\n' \"claude: network filtering (boundary) is enabled in this workspace but is not set up, so Claude Code does not start; see ~/.claude-module/boundary.log\" >&2",
  "  exit 1",
  "fi",
  'exec "${wrapper}" "${claude}" "$@"',
];

/** boundary_shim: `claude` in every terminal goes through boundary-run from now on, so it
 * fails closed, like the chat's Claude, until boundary works. */
const boundaryShim = fn(
  "boundary_shim",
  [warn, atomicWrite],
  sh`
    local first
    if [[ -z "\${CODER_SCRIPT_BIN_DIR:-}" ]]; then
      warn "CODER_SCRIPT_BIN_DIR is not set (not run by a Coder agent?); terminals get no boundary wrapper for claude"
      return 0
    fi
    mkdir -p "\${CODER_SCRIPT_BIN_DIR}"
    # Lines holding \${...} are shell code of the shim itself, not expansions here.
    # shellcheck disable=SC2016
    {
      printf '%s\\n' '#!/usr/bin/env bash' '# claude from a terminal runs inside boundary, like the chat (written by the claude-code module).'
      printf 'wrapper=%q\\nclaude=%q\\n' "\${BIN_DIR}/boundary-run" "\${BIN_DIR}/claude"
      printf '%s\\n' ${words(shimLines)}
    } | atomic_write "\${CODER_SCRIPT_BIN_DIR}/claude" 0755
    first=$(type -P claude || true)
    if [[ -n "\${first}" && "\${first}" != "\${CODER_SCRIPT_BIN_DIR}/claude" ]]; then
      warn "\${first} comes before \${CODER_SCRIPT_BIN_DIR}/claude on PATH, so 'claude' in a terminal with this PATH runs outside boundary; take it off PATH or put \${CODER_SCRIPT_BIN_DIR} first"
    fi
  `,
);

/** boundary_write: the policy (generated config.yaml, or the template's file plus the module's
 * rules), the boundary command line, the jail type in use, and the boundary-run wrapper. */
const boundaryWrite = fn(
  "boundary_write",
  [die, log, atomicWrite, expandHome],
  sh`
    local rule config jail=\${ARG_BOUNDARY_JAIL_TYPE} q="'"
    local -a cmd=("\${BOUNDARY_CMD[@]}")
    case "\${jail}" in
      "" | nsjail | landjail) ;;
      *) die "boundary_jail_type must be nsjail or landjail, not '\${jail}'" ;;
    esac
    if [[ -n "\${ARG_BOUNDARY_CONFIG_PATH}" ]]; then
      config=$(expand_home "\${ARG_BOUNDARY_CONFIG_PATH}")
      [[ -f "\${config}" && -r "\${config}" ]] ||
        die "boundary_config_path \${config} does not exist or is not readable. Fix: create it in the image or a startup script before this module runs, or give the rules with boundary_allowlist"
      cmd+=(--config "\${config}")
      for rule in "\${BOUNDARY_RULES[@]}"; do
        cmd+=(--allow "\${rule}")
      done
      log "policy: \${config} plus \${#BOUNDARY_RULES[@]} module rules"
    else
      config="\${BOUNDARY_DIR}/config.yaml"
      {
        printf '%s\\n' "# Written by the claude-code module on every start: change the module's inputs, not this file."
        printf 'allowlist:\\n'
        for rule in "\${BOUNDARY_RULES[@]}"; do
          # A single-quoted YAML scalar takes every character literally except ', written ''.
          printf "  - '%s'\\n" "\${rule//\${q}/\${q}\${q}}"
        done
      } | atomic_write "\${config}" 0600
      cmd+=(--config "\${config}")
      log "policy: \${config} (\${#BOUNDARY_RULES[@]} rules)"
    fi
    if [[ -n "\${jail}" ]]; then
      cmd+=(--jail-type "\${jail}")
    elif [[ -n "\${ARG_BOUNDARY_CONFIG_PATH}" ]]; then
      jail=$(sed -n 's/^jail_type:[[:space:]]*//p' "\${config}" | tr -dc '[:lower:]')
    fi
    BOUNDARY_JAIL_TYPE=\${jail:-nsjail}
    printf '%s\\n' "\${BOUNDARY_JAIL_TYPE}" | atomic_write "\${BOUNDARY_DIR}/jail" 0600
    printf '%s\\0' "\${cmd[@]}" | atomic_write "\${BOUNDARY_DIR}/command" 0600
    # Lines holding \${...} are shell code of the wrapper itself, not expansions here.
    # shellcheck disable=SC2016
    printf '%s\\n' ${words(wrapperLines)} | atomic_write "\${BIN_DIR}/boundary-run" 0755
  `,
);

const preflightHost = "claude-module-preflight.invalid";

// Runs in the jail: proves it runs there (marker), reports what isolates it, and that the proxy answers.
const probe = [
  "printf 'boundary-preflight\\n'",
  `printf 'netns=%s\\n' "$(readlink /proc/self/ns/net)"`,
  `printf 'ca=%s\\n' "\${SSL_CERT_FILE:-}"`,
  `if err=$( { exec 3<>/dev/tcp/127.0.0.1/9; } 2>&1 ); then printf 'connect=open\\n'; else printf 'connect=%s\\n' "\${err//$'\\n'/ }"; fi`,
  // A host no policy lists: boundary's proxy must answer (403) from inside the jail. The address
  // is reserved for documentation and never routed; inside the jail it only leads to the proxy.
  `printf 'proxy=%s\\n' "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --resolve ${preflightHost}:80:192.0.2.1 http://${preflightHost}/)"`,
].join("; ");

/** boundary_diagnosis FILE...: names the cause of a failed start, from boundary's stderr and
 * logs (some failures reach only the logs), and its fix, for the jail type in use
 * (BOUNDARY_JAIL_TYPE): the other jail type is offered as a way out, never the one that failed. */
export const boundaryDiagnosis = fn(
  "boundary_diagnosis",
  [],
  sh`
    local text detail cause fix other missing_re='exec: "([^"]+)": executable file not found'
    local file_re='(mkdir|open) ([^ :]+): permission denied'
    if [[ "\${BOUNDARY_JAIL_TYPE}" == landjail ]]; then
      other='set boundary_jail_type = "nsjail"'
    else
      other='set boundary_jail_type = "landjail" (Linux 6.7+)'
    fi
    text=$(cat -- "$@" 2>/dev/null || true)
    detail=$(grep -h -m 1 -E '^(Error|error):|level=ERROR' -- "$@" 2>/dev/null | head -n 1 || true)
    if [[ "\${text}" =~ \${missing_re} ]]; then
      cause="boundary needs the \${BASH_REMATCH[1]} command, which is not on PATH"
      fix="install it in the workspace image, or \${other}"
    elif [[ "\${text,,}" =~ \${file_re} ]]; then
      cause="boundary cannot write \${BASH_REMATCH[2]} (permission denied)"
      fix="make that path writable for the workspace user"
    else
      case "\${text,,}" in
        *"agpl deployment, so you cannot use"*)
          cause="the Coder deployment is an AGPL build, and 'coder boundary' needs an enterprise deployment with a Premium license"
          fix="set use_boundary_directly = true to download boundary \${ARG_BOUNDARY_VERSION} (no license needed)" ;;
        *"license is not entitled to use"* | *"feature is disabled in your deployment"*)
          cause="the deployment's license does not include boundary (agent-firewall), which 'coder boundary' checks"
          fix="add the feature to the license, or set use_boundary_directly = true to download boundary \${ARG_BOUNDARY_VERSION}" ;;
        *"failed to get entitlements"*)
          cause="the coder CLI could not ask the deployment for its license, which 'coder boundary' checks"
          fix="check that the workspace reaches the Coder deployment, or set use_boundary_directly = true" ;;
        *"not logged in"* | *"session token"* | *"unauthorized"*)
          cause="the coder CLI has no Coder session, which 'coder boundary' needs"
          fix="log the workspace's coder CLI in (coder login <access URL>), or set use_boundary_directly = true" ;;
        *"sudo not found"* | *"setpriv not found"* | *"a password is required"* | *"a terminal is required"*)
          cause="nsjail needs root, or passwordless sudo and setpriv to gain CAP_NET_ADMIN, and this user has neither"
          fix="allow passwordless sudo for the workspace user, or \${other}" ;;
        *"failed to parse allow"*)
          cause="an allow rule is invalid"
          fix="correct the rule in boundary_allowlist or in the boundary_config_path file" ;;
        *"reading yaml"* | *"decoding yaml"* | *"applying yaml"* | *"failed to parse cli config"*)
          cause="the boundary config file cannot be used"
          fix="correct the file given as boundary_config_path" ;;
        *landlock*)
          cause="the kernel cannot apply Landlock network rules (needs Linux 6.7 or later with Landlock enabled)"
          fix="use a newer kernel, or \${other}" ;;
        *"command failed to start"*"no space left on device"* | *"command failed to start"*"operation not permitted"*)
          cause="the jail's user namespace cannot be created: user namespaces are disabled or not allowed in this workspace"
          fix="allow user namespaces (sysctl user.max_user_namespaces > 0; a seccomp profile that permits them), or \${other}" ;;
        *"operation not permitted"* | *"permission denied"*)
          if [[ "\${BOUNDARY_JAIL_TYPE}" == landjail ]]; then
            cause="the kernel refused to set up the landjail jail"
            fix="use Linux 6.7 or later with Landlock enabled and no seccomp profile that blocks it, or \${other}"
          else
            cause="the jail's network cannot be set up: CAP_NET_ADMIN is not available to this workspace"
            fix="grant CAP_NET_ADMIN to the workspace container (nsjail needs it, as root or through sudo), or \${other}"
          fi ;;
        *"address already in use"*)
          cause="the proxy port boundary picked is taken"
          fix="restart the workspace; if it persists, free ports from 10000 up to the start of net.ipv4.ip_local_port_range on 127.0.0.1" ;;
        *"unknown flag"* | *"unrecognized"*)
          cause="this boundary does not accept a flag the module passes (--config, --allow, --jail-type, --log-dir, --proxy-port)"
          fix="use boundary v0.8.0 or later" ;;
        *)
          cause="boundary did not run the check command"
          fix="read boundary's output above and its logs in \${BOUNDARY_DIR}/preflight-logs" ;;
      esac
    fi
    printf '%s%s. Fix: %s' "\${cause}" "\${detail:+ (\${detail})}" "\${fix}"
  `,
);

/** boundary_requirements JAIL: checks what nsjail needs before running it, since boundary leaves
 * network changes behind when nsjail fails half-way. landjail needs only the kernel; the
 * preflight proves that. */
const boundaryRequirements = fn(
  "boundary_requirements",
  [die],
  sh`
    local cmd
    local -a missing=()
    [[ "$1" == nsjail ]] || return 0
    for cmd in ip iptables sysctl; do
      type -P "\${cmd}" >/dev/null || missing+=("\${cmd}")
    done
    if ((EUID != 0)); then
      # boundary re-executes itself through sudo and setpriv to gain CAP_NET_ADMIN.
      for cmd in sudo setpriv; do
        type -P "\${cmd}" >/dev/null || missing+=("\${cmd}")
      done
    fi
    if ((\${#missing[@]} > 0)); then
      die "boundary cannot start: nsjail (the jail type in use) needs \${missing[*]} on PATH. Fix: install them in the workspace image (ip: iproute2, sysctl: procps, setpriv: util-linux), or set boundary_jail_type = \\"landjail\\" (Linux 6.7+)"
    fi
    if ((EUID != 0)) && ! sudo -n true 2>/dev/null; then
      die "boundary cannot start: nsjail needs root or passwordless sudo (to gain CAP_NET_ADMIN), and \${USER:-this user} has neither. Fix: allow passwordless sudo for this user, or set boundary_jail_type = \\"landjail\\" (Linux 6.7+)"
    fi
  `,
);

/** boundary_preflight: runs a trivial command through the wrapper, exactly as Claude will be run,
 * and requires proof that it ran isolated. Sets BOUNDARY_JAIL. */
const boundaryPreflight = fn(
  "boundary_preflight",
  [log, warn, die, needCmd, boundaryDiagnosis],
  sh`
    local probe_out="\${BOUNDARY_DIR}/preflight.out" err="\${BOUNDARY_DIR}/preflight.err" rc=0 outside inside ca connect proxy why others
    need_cmd timeout "to bound boundary's start-up check"
    need_cmd curl "to check boundary's proxy from inside the jail"
    rm -rf "\${BOUNDARY_DIR}/preflight-logs"
    outside=$(readlink /proc/self/ns/net)
    others=0
    if [[ "\${BOUNDARY_JAIL_TYPE}" == nsjail ]] && ip -o link show | grep -q ': veth_h_'; then
      others=1
    fi
    log "checking that boundary starts: running a trivial command inside it"
    # The probe is shell code for the jailed bash; nothing in it expands here.
    # shellcheck disable=SC2016
    CLAUDE_MODULE_BOUNDARY_PREFLIGHT=1 CLAUDE_MODULE_BOUNDARY_LOG_DIR="\${BOUNDARY_DIR}/preflight-logs" LC_ALL=C \\
      timeout 60 "\${BIN_DIR}/boundary-run" "\${BASH}" -c ${probe} >"\${probe_out}" 2>"\${err}" </dev/null || rc=$?
    if ((rc == 124)); then
      die "boundary did not finish a trivial command within 60s; Claude Code is not started. Fix: read \${BOUNDARY_DIR}/preflight-logs"
    fi
    if ! grep -qx boundary-preflight "\${probe_out}"; then
      cat "\${err}" >&2
      why=$(boundary_diagnosis "\${err}" "\${BOUNDARY_DIR}"/preflight-logs/*.log)
      die "boundary cannot start: \${why}"
    fi
    inside=$(sed -n 's/^netns=//p' "\${probe_out}")
    ca=$(sed -n 's/^ca=//p' "\${probe_out}")
    connect=$(sed -n 's/^connect=//p' "\${probe_out}")
    if [[ "\${inside}" != "\${outside}" ]]; then
      BOUNDARY_JAIL="nsjail (own network namespace)"
    elif [[ "\${connect}" == *"Permission denied"* ]]; then
      BOUNDARY_JAIL="landjail (Landlock)"
    else
      die "boundary ran the check command without isolating it (same network namespace, direct connections allowed). Fix: set boundary_jail_type to nsjail or landjail explicitly and check the boundary version"
    fi
    [[ -n "\${ca}" && -s "\${ca}" ]] ||
      die "boundary ran the check command without its CA certificate (SSL_CERT_FILE=\${ca:-unset}), so HTTPS from Claude would fail. Fix: check the boundary version"
    proxy=$(sed -n 's/^proxy=//p' "\${probe_out}")
    case "\${proxy}" in
      403) ;;
      "" | 000)
        if ((others)); then
          warn "another nsjail jail already runs in this network (AgentAPI's Claude from an earlier start?), so the proxy could not be checked"
        else
          die "boundary's proxy did not answer a request from inside the jail. With nsjail this happens when another nsjail runs in the same network (boundary gives every jail the same subnet): stop it, or set boundary_jail_type = \\"landjail\\". Logs: \${BOUNDARY_DIR}/preflight-logs"
        fi ;;
      *) warn "boundary let a request to ${preflightHost} through (HTTP \${proxy}): does the allowlist allow every host?" ;;
    esac
    log "boundary works: \${BOUNDARY_JAIL}, CA \${ca}, a host outside the allowlist got HTTP \${proxy:-no answer}"
  `,
);

export const setupBoundary = step(
  "setup_boundary",
  "Installs and configures boundary and proves it can jail a command; Claude is launched through it.",
  [
    log,
    note,
    boundaryShim,
    boundaryFromCoder,
    boundaryFromRelease,
    boundaryFromSource,
    boundaryRules,
    boundaryWrite,
    boundaryRequirements,
    boundaryPreflight,
  ],
  sh`
    BOUNDARY_DIR="\${MODULE_DIR}/boundary"
    mkdir -p "\${BOUNDARY_DIR}/logs"
    rm -f "\${BOUNDARY_DIR}/state"
    if [[ "\${ARG_ENABLE_BOUNDARY}" == false ]]; then
      rm -f "\${BIN_DIR}/boundary-run" "\${BOUNDARY_DIR}/command" "\${BOUNDARY_DIR}/config.yaml"
      note "boundary" "off"
      return 0
    fi
    boundary_shim
    find "\${BOUNDARY_DIR}/logs" -name 'boundary-*.log' -mtime +7 -delete
    case "\${ARG_BOUNDARY_MODE}" in
      coder) boundary_from_coder ;;
      release) boundary_from_release ;;
      source) boundary_from_source ;;
      *) die "unknown boundary mode '\${ARG_BOUNDARY_MODE}' (the module and its scripts are out of sync)" ;;
    esac
    boundary_rules
    boundary_write
    boundary_requirements "\${BOUNDARY_JAIL_TYPE}"
    boundary_preflight
    printf 'filtered\\n' >"\${BOUNDARY_DIR}/state"
    note "boundary" "\${BOUNDARY_FROM}, \${BOUNDARY_JAIL}, \${#BOUNDARY_RULES[@]} module rules"
  `,
);

/** boundary_gate CMD...: runs the boundary set-up step. When it fails, the start fails and
 * Claude is not started, unless boundary_fail_open: then Claude starts unfiltered, loudly. */
export const boundaryGate = fn(
  "boundary_gate",
  [warn, die, note, linkAs],
  sh`
    local rc=0
    # A background job keeps errexit active inside the step; a condition (|| or if) would turn it off.
    "$@" &
    wait "$!" || rc=$?
    ((rc != 0)) || return 0
    LOG_FILE="\${MODULE_DIR}/boundary.log"
    [[ "\${ARG_BOUNDARY_FAIL_OPEN}" == true ]] ||
      die "Claude Code was not started because boundary cannot start (cause and fix above). To start Claude Code without network filtering instead, set boundary_fail_open = true."
    {
      warn "################################################################"
      warn "boundary cannot start (cause above) and boundary_fail_open = true:"
      warn "Claude Code runs WITHOUT NETWORK FILTERING and can reach any host."
      warn "################################################################"
    } 2>&1 | tee -a "\${LOG_FILE}" >&2
    mkdir -p "\${MODULE_DIR}/boundary"
    printf 'unfiltered\\n' >"\${MODULE_DIR}/boundary/state"
    # Terminals get the plain claude again instead of the boundary shim.
    if [[ -n "\${CODER_SCRIPT_BIN_DIR:-}" ]]; then
      link_as "\${CODER_SCRIPT_BIN_DIR}/claude" "\${BIN_DIR}/claude"
    fi
    note "boundary" "FAILED: Claude Code runs UNFILTERED (boundary_fail_open)"
  `,
);
