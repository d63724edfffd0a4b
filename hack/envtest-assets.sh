#!/usr/bin/env bash
# Builds the kube-apiserver and etcd that the readiness integration tests run through envtest,
# from their Go modules (no prebuilt download is reachable here), into a cache folder keyed by
# version, and prints that folder. Later runs on the same machine reuse it.
#
#   export KUBEBUILDER_ASSETS="$(hack/envtest-assets.sh)"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
k8s_version=v1.37.2
etcd_version=v3.7.3
cache=${AMBIENTKIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ambientkit}
dir="$cache/envtest/k8s-$k8s_version-etcd-$etcd_version"
mkdir -p "$dir"
cd "$here/tools"
if [ ! -x "$dir/kube-apiserver" ]; then
  echo "building kube-apiserver $k8s_version into $dir (several minutes the first time)" >&2
  go build -trimpath -o "$dir/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  mv "$dir/kube-apiserver.tmp" "$dir/kube-apiserver"
fi
if [ ! -x "$dir/etcd" ]; then
  echo "building etcd $etcd_version into $dir" >&2
  go build -trimpath -o "$dir/etcd.tmp" ./etcd
  mv "$dir/etcd.tmp" "$dir/etcd"
fi
echo "$dir"
