#!/usr/bin/env bash
# Installs the peers that hack/bench compares ambientlint with, istioctl (for
# `istioctl analyze`) and conftest, from their Go modules into a cache folder keyed by
# version, and links them where hack/bench looks for them:
#
#   $cache/bin/istioctl-<version>/istioctl   and   $cache/bin/istioctl -> istioctl-<version>/istioctl
#   $cache/bin/conftest-<version>/conftest   and   $cache/bin/conftest -> conftest-<version>/conftest
#
# where $cache is ${AMBIENTKIT_CACHE:-$HOME/.cache/ambientkit}. A version already installed is
# not built again. The first run takes several minutes (istioctl about 5, conftest about 2).
#
#   hack/peers.sh            # both
#   hack/peers.sh istioctl   # one of them
set -euo pipefail
istioctl_version=v0.0.0-20260827124520-eed52ebb66ad
conftest_version=v0.71.1
cache=${AMBIENTKIT_CACHE:-$HOME/.cache/ambientkit}
bin="$cache/bin"
mkdir -p "$bin"

# install NAME VERSION PACKAGE: go install PACKAGE@VERSION into $bin/NAME-VERSION and point
# the link $bin/NAME at it.
install() {
  local name=$1 version=$2 pkg=$3
  local dir="$bin/$name-$version"
  if [ -x "$dir/$name" ]; then
    echo "$name $version: present in $dir" >&2
  else
    echo "$name $version: go install $pkg@$version into $dir" >&2
    mkdir -p "$dir.tmp"
    # pkg@version builds in module-aware mode, apart from this repository's go.mod.
    (cd "$dir.tmp" && GOBIN="$dir.tmp" go install "$pkg@$version")
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
  fi
  ln -sfn "$name-$version/$name" "$bin/$name"
  echo "$bin/$name"
}

want=${*:-istioctl conftest}
for p in $want; do
  case $p in
  istioctl) install istioctl "$istioctl_version" istio.io/istio/istioctl/cmd/istioctl ;;
  conftest) install conftest "$conftest_version" github.com/open-policy-agent/conftest ;;
  *) echo "peers.sh: unknown peer $p (want istioctl or conftest)" >&2; exit 2 ;;
  esac
done
