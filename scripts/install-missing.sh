# Sourced by the set-up scripts: install_missing WHO PACKAGE... installs the Debian packages that are
# not installed yet (apt-get update, then apt-get install -y, as root); WHO names the caller in
# messages. Exits 1 when packages are missing and this is not root.
install_missing() {
  local who="$1" p
  shift
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "$who: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "$who: missing packages and not root; run as root or install: ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}
