#!/usr/bin/env bash
# Runs a command in a private network namespace: its own loopback interface, which also carries
# a "pod network" (POD_CIDR, default 10.244.0.0/16), and no other interface.
#
#   scripts/netns.sh npx jest ...      what scripts/test.sh does
#   scripts/netns.sh bash              a shell for trying Kubernetes mode with traffic (README)
#
# Why: the API server refuses EndpointSlice addresses in 127.0.0.0/8 ("may not be in the loopback
# range"), so tests cannot point Services at echo backends on 127.x the way file mode does. In
# this namespace 10.244.x.y addresses are local like 127.x, nothing in it is reachable from
# outside (or can reach out), and the host's network configuration is not touched. It also keeps
# concurrent test runs on one machine from meeting on the same ports.
#
# Needs `unshare` (util-linux) and either root or unprivileged user namespaces.
set -euo pipefail
POD_CIDR=${POD_CIDR:-10.244.0.0/16}

if [ "${ATTACHE_NETNS:-}" != "1" ]; then
  [ $# -gt 0 ] || { echo "usage: scripts/netns.sh COMMAND [ARGS...]" >&2; exit 2; }
  command -v unshare >/dev/null || { echo "netns.sh: unshare (util-linux) is not installed" >&2; exit 1; }
  # Root needs only a network namespace; anyone else maps themselves to root in a user namespace.
  if [ "$(id -u)" = 0 ]; then ns=(unshare --net); else ns=(unshare --user --map-root-user --net); fi
  exec "${ns[@]}" env ATTACHE_NETNS=1 POD_CIDR="$POD_CIDR" "$0" "$@"
fi

ip link set lo up
ip addr add "$POD_CIDR" dev lo
exec "$@"
