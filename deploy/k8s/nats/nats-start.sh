#!/bin/sh
# Starts one NATS node with JetStream encrypted at rest (nats.conf: cipher + key), refusing a key
# that is not the one its store was written with. nats-server itself would start, log a warning,
# and leave out every stream it cannot decrypt -- and the first coursegen service to connect would
# then create an empty COURSES: the log of record gone from that node. So the store keeps a check
# of its key (a salted SHA-256 of a random 32-byte key, which tells nothing about the key).
#
#   NATS_JETSTREAM_KEY           the key (openssl rand -hex 32); required
#   NATS_JETSTREAM_PREVIOUS_KEY  during a rotation only: the key the store was written with
#   NATS_STORE_DIR               the jetstream store_dir of nats.conf (/data)
# Usage: nats-start.sh -c /etc/nats/nats.conf   (arguments go to nats-server)
set -eu
: "${NATS_JETSTREAM_KEY:?NATS_JETSTREAM_KEY is required (openssl rand -hex 32); see deploy/README.md}"
NATS_JETSTREAM_PREVIOUS_KEY="${NATS_JETSTREAM_PREVIOUS_KEY:-}"
export NATS_JETSTREAM_PREVIOUS_KEY  # nats.conf's prev_encryption_key; empty outside a rotation
store="${NATS_STORE_DIR:-/data}"
check_file="$store/coursegen-key-check"

key_check() {
  printf 'coursegen-jetstream-key-check:%s' "$1" | sha256sum | cut -d ' ' -f 1
}

current="$(key_check "$NATS_JETSTREAM_KEY")"
mkdir -p "$store"
if [ -f "$check_file" ]; then
  stored="$(cat "$check_file")"
  if [ "$stored" != "$current" ]; then
    if [ -n "$NATS_JETSTREAM_PREVIOUS_KEY" ] && [ "$stored" = "$(key_check "$NATS_JETSTREAM_PREVIOUS_KEY")" ]; then
      echo "nats-start: rotating the JetStream key: the store opens with NATS_JETSTREAM_PREVIOUS_KEY and is re-keyed" >&2
    else
      echo "nats-start: refusing to start: NATS_JETSTREAM_KEY is not the key this store ($store) was encrypted with" >&2
      echo "nats-start: to rotate, set the old key as NATS_JETSTREAM_PREVIOUS_KEY and the new one as NATS_JETSTREAM_KEY" >&2
      exit 78
    fi
  fi
fi
# nats-server re-keys what it recovers with the previous key as it starts; from then on the store
# is the new key's.
umask 077
printf '%s\n' "$current" > "$check_file"
exec "${NATS_SERVER_BIN:-nats-server}" "$@"
