#!/bin/sh
# Starts one NATS node with JetStream encrypted at rest (nats.conf: cipher + key), refusing a key
# that is not the one its store was written with. nats-server itself would start, log a warning,
# and leave out every stream it cannot decrypt -- and the first coursegen service to connect would
# then create an empty COURSES: the log of record gone from that node. So the store keeps a check
# of its key (a salted SHA-256 of a random 32-byte key, which tells nothing about the key).
#
#   NATS_JETSTREAM_KEY  the key (openssl rand -hex 32); required
#   NATS_STORE_DIR      the jetstream store_dir of nats.conf (/data)
# Rotation (deploy/README.md): one node at a time, its store emptied and rebuilt from its peers.
# Usage: nats-start.sh -c /etc/nats/nats.conf   (arguments go to nats-server)
set -eu
: "${NATS_JETSTREAM_KEY:?NATS_JETSTREAM_KEY is required (openssl rand -hex 32); see deploy/README.md}"
store="${NATS_STORE_DIR:-/data}"
check_file="$store/coursegen-key-check"
check="$(printf 'coursegen-jetstream-key-check:%s' "$NATS_JETSTREAM_KEY" | sha256sum | cut -d ' ' -f 1)"
mkdir -p "$store"
if [ -f "$check_file" ]; then
  if [ "$(cat "$check_file")" != "$check" ]; then
    echo "nats-start: refusing to start: NATS_JETSTREAM_KEY is not the key this store ($store) was encrypted with" >&2
    echo "nats-start: to change the key, empty this node's store and let it catch up from its peers (deploy/README.md)" >&2
    exit 78
  fi
elif [ -d "$store/jetstream" ]; then
  echo "nats-start: $store holds a store without a key check: taking NATS_JETSTREAM_KEY as its key" >&2
fi
umask 077
printf '%s\n' "$check" > "$check_file"
exec "${NATS_SERVER_BIN:-nats-server}" "$@"
