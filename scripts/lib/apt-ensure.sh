# Sourced by the install scripts: apt_ensure PACKAGE... installs the Debian packages that are
# missing (with sudo when not root), says which are already there, and waits up to 10 minutes for
# another apt run's lock. Each script defines say() for its own prefix first.
apt_ensure() {
  local missing=() package sudo=""
  for package in "$@"; do
    if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      say "apt: $package is installed"
    else
      missing+=("$package")
    fi
  done
  ((${#missing[@]})) || return 0
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  say "apt: installing ${missing[*]}"
  $sudo apt-get update -qq
  # Debian's policy-rc.d keeps services from starting (FineTune starts its own instances).
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
}
