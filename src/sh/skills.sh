# shellcheck shell=bash
# skills: agent skills from the template, each written as <name>/SKILL.md into the work dir's
# .agents/skills (where Coder Agents and other Agent Skills clients read a project's skills) and
# into Claude Code's personal skills directory, ~/.claude/skills.
#
# Both directories are the user's: the module adds, updates and removes only the skills it wrote,
# and only while they are as it wrote them. It remembers what it wrote in
# the instance's skills/<sha256 of the skills directory>/ (each module block has its own, so two
# blocks' skills in ~/.claude/skills live side by side): the directory's path in .root, and per
# skill a file of the name holding the SKILL.md text it wrote there. A skill directory it has no
# record of is the user's, and so is a SKILL.md the user changed, from then on; a SKILL.md the user
# deleted is written again. A directory the module no longer writes to (the work dir changed) has
# the module's skills taken out of it like a dropped skill.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# step_install_skills: Writes the template's skills into the work dir's .agents/skills and ~/.claude/skills and takes out those it dropped, leaving the user's own and those the user changed. Costs nothing when skills is empty and the module never wrote one.
step_install_skills() {
  local records=("${INSTANCE_DIR}"/skills/*)
  [[ -n "${ARG_SKILLS}" || -e "${records[0]}" ]] || return 0
  run_logged install.log skills_reconcile
}

# skills_reconcile: the work of step_install_skills, in its log. Reads the records with builtins
# only, so a start with unchanged skills spawns no process per skill and writes nothing.
skills_reconcile() {
  local dir root personal="${HOME}/.claude/skills" project="${WORKDIR}/.agents/skills" shown
  local -a roots=()
  local -A record=()
  SKILLS_KEPT="" SKILLS_REMOVED=0
  skills_decode
  # The directories the module wrote to before, each with its record.
  for dir in "${INSTANCE_DIR}"/skills/*/; do
    dir=${dir%/}
    [[ -f "${dir}/.root" ]] || continue
    IFS= read -r -d '' root <"${dir}/.root" || true
    record["${root}"]=${dir}
    roots+=("${root}")
  done
  for root in "${personal}" "${project}"; do
    if [[ -z "${record[${root}]:-}" ]]; then
      sha256_of "${root}"
      record["${root}"]="${INSTANCE_DIR}/skills/${SHA256}"
      roots+=("${root}")
    fi
  done
  for root in "${roots[@]}"; do
    if [[ "${root}" == "${personal}" || "${root}" == "${project}" ]]; then
      skills_sync "${root}" "${record[${root}]}" "${SKILL_NAMES[@]}"
    else
      skills_sync "${root}" "${record[${root}]}"
    fi
  done
  shown=${SKILL_NAMES[*]}
  if [[ -n "${shown}" ]]; then
    note "skills" "${shown// /, } in ${project} and ${personal}${SKILLS_KEPT:+; yours kept:${SKILLS_KEPT}}"
  elif ((SKILLS_REMOVED > 0)); then
    note "skills" "${SKILLS_REMOVED} of the module's taken out${SKILLS_KEPT:+; yours kept:${SKILLS_KEPT}}"
  fi
}

# skills_decode: sets SKILL_NAMES (the template's skill names, in order) and SKILL_TEXT (name to its
# SKILL.md text) from ARG_SKILLS, lines of "<base64 name> <base64 text>", with one base64 process.
skills_decode() {
  local name_b64 text_b64 i
  local -a encoded=()
  SKILL_NAMES=()
  declare -gA SKILL_TEXT=()
  while read -r name_b64 text_b64; do
    [[ -z "${name_b64}" ]] || encoded+=("${name_b64}" "${text_b64}")
  done <<<"${ARG_SKILLS}"
  ((${#encoded[@]} > 0)) || return 0
  b64d_all "${encoded[@]}"
  for ((i = 0; i < ${#DECODED[@]}; i += 2)); do
    # A name becomes a path in the user's directories: only what plan time allows.
    [[ "${DECODED[i]}" =~ ^[a-z0-9-]{1,64}$ ]] || continue
    SKILL_NAMES+=("${DECODED[i]}")
    SKILL_TEXT["${DECODED[i]}"]=${DECODED[i + 1]}
  done
}

# skills_sync ROOT RECORD [NAME...]: makes the skills directory ROOT hold the template's skills
# NAME... (texts in SKILL_TEXT) as far as they are the module's, and takes out the module's others,
# keeping what is the user's; RECORD is the directory of the module's record for ROOT. Adds the
# names kept as the user's to SKILLS_KEPT and counts the skills taken out in SKILLS_REMOVED.
skills_sync() {
  local root=$1 rec=$2 name dir file text mine have kept=""
  local -A wanted=()
  shift 2
  for name in "$@"; do
    wanted["${name}"]=1
    dir="${root}/${name}"
    file="${dir}/SKILL.md"
    text=${SKILL_TEXT[${name}]}
    mine=""
    [[ ! -f "${rec}/${name}" ]] || { IFS= read -r -d '' mine <"${rec}/${name}" || true; }
    if [[ ! -e "${dir}" && ! -L "${dir}" ]]; then
      # Not there (never written, or deleted by the user): written.
      skills_write "${root}" "${name}" "${rec}"
      log "skill '${name}' installed in ${root}"
      continue
    fi
    have=""
    if [[ -f "${rec}/${name}" && -d "${dir}" && ! -L "${dir}" && ! -L "${file}" ]]; then
      if [[ ! -e "${file}" ]]; then
        # The module's directory, its SKILL.md deleted: written again.
        have=${mine}
      elif [[ -f "${file}" ]]; then
        IFS= read -r -d '' have <"${file}" || true
      fi
    fi
    if [[ ! -f "${rec}/${name}" || "${have}" != "${mine}" ]]; then
      # The user's own skill, or the module's that the user changed: theirs from now on.
      rm -f -- "${rec}/${name}"
      kept+=" ${name}"
      # For the summary, once for both directories.
      [[ " ${SKILLS_KEPT} " == *" ${name} "* ]] || SKILLS_KEPT+=" ${name}"
      continue
    fi
    if [[ "${have}" != "${text}" || ! -e "${file}" ]]; then
      skills_write "${root}" "${name}" "${rec}"
      log "skill '${name}' updated in ${root}"
    fi
  done
  # Skills the module wrote here that are no longer wanted here.
  for file in "${rec}"/*; do
    [[ -f "${file}" ]] || continue
    name=${file##*/}
    [[ -z "${wanted[${name}]:-}" ]] || continue
    skills_remove "${root}" "${name}" "${file}"
  done
  if [[ -n "${kept}" ]]; then
    warn "skill(s)${kept} in ${root} are not as the module wrote them (your own, or changed by you); left as they are (delete a skill's directory to get the module's again)"
  fi
  # A record that holds no skill any more goes, so that a module without skills costs nothing again.
  local left=("${rec}"/*)
  if [[ ! -e "${left[0]}" && -d "${rec}" ]]; then
    rm -rf -- "${rec}"
    rmdir -- "${rec%/*}" 2>/dev/null || true
  fi
}

# skills_write ROOT NAME RECORD: writes the skill NAME's text (SKILL_TEXT) to ROOT/NAME/SKILL.md as
# the user's file (their umask), and keeps the text in the record RECORD (the directory's path in
# RECORD/.root).
skills_write() {
  local root=$1 name=$2 rec=$3
  (umask "${USER_UMASK}" && mkdir -p -- "${root}/${name}")
  user_file_mode
  printf '%s' "${SKILL_TEXT[${name}]}" | atomic_write "${root}/${name}/SKILL.md" "${USER_FILE_MODE}"
  if [[ ! -f "${rec}/.root" ]]; then
    [[ -d "${rec}" ]] || mkdir -p -- "${rec}"
    printf '%s' "${root}" | atomic_write "${rec}/.root" 0600
  fi
  printf '%s' "${SKILL_TEXT[${name}]}" | atomic_write "${rec}/${name}" 0600
}

# skills_remove ROOT NAME RECORD_FILE: takes the module's skill NAME out of ROOT, if its SKILL.md is
# still the text the module wrote (RECORD_FILE); a changed one stays the user's, and a directory
# that holds files of the user's besides it stays with them. Forgets the skill either way.
skills_remove() {
  local root=$1 name=$2 rec_file=$3 dir="$1/$2" mine have=""
  IFS= read -r -d '' mine <"${rec_file}" || true
  if [[ -f "${dir}/SKILL.md" && ! -L "${dir}/SKILL.md" && ! -L "${dir}" ]]; then
    IFS= read -r -d '' have <"${dir}/SKILL.md" || true
    if [[ "${have}" == "${mine}" ]]; then
      rm -f -- "${dir}/SKILL.md"
      log "skill '${name}' removed from ${root} (no longer in the template)"
      rmdir -- "${dir}" 2>/dev/null || log "${dir} holds files of yours and stays"
      SKILLS_REMOVED=$((SKILLS_REMOVED + 1))
    else
      log "skill '${name}' is no longer in the template; ${dir}/SKILL.md was changed by you and stays"
    fi
  fi
  rm -f -- "${rec_file}"
}
