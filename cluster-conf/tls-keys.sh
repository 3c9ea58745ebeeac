#!/usr/bin/env bash
# Keys for a TLS cluster (cluster-conf/README.md, "TLS for a real network"):
#   cluster-conf/tls-keys.sh DIR NODE...
# writes DIR/NODE.p12 (a key pair and a self-signed certificate) for every NODE, and DIR/truststore.p12
# with every node's certificate. Each certificate names the addresses the others reach its node at
# in its subject alternative names (SKILLMIX_TLS_SAN, default "ip:127.0.0.1,dns:localhost": one
# machine; across machines give each node its own, e.g. "ip:10.0.0.5,dns:node1.example"), since
# hostname verification checks them. Passwords come from KEYSTORE_PASSWORD and TRUSTSTORE_PASSWORD.
# scripts/cluster-local --tls runs it for throwaway keys.
set -euo pipefail
if [ $# -lt 2 ] || [ -z "${KEYSTORE_PASSWORD:-}" ] || [ -z "${TRUSTSTORE_PASSWORD:-}" ]; then
  echo "usage: KEYSTORE_PASSWORD=... TRUSTSTORE_PASSWORD=... $0 DIR NODE..." >&2
  exit 2
fi
dir="$1"
shift
san="${SKILLMIX_TLS_SAN-ip:127.0.0.1,dns:localhost}"
ext=(-ext "SAN=$san")
if [ -z "$san" ]; then
  ext=() # a certificate with a CN alone: hostname verification refuses it (tests show so)
fi
keytool="${JAVA_HOME:+$JAVA_HOME/bin/}keytool"
mkdir -p "$dir"
cd "$dir"
for node in "$@"; do
  "$keytool" -genkeypair -alias "$node" -keyalg EC -groupname secp256r1 -validity 365 \
    -dname "CN=$node" "${ext[@]}" \
    -keystore "$node.p12" -storetype PKCS12 -storepass "$KEYSTORE_PASSWORD"
  "$keytool" -exportcert -alias "$node" -keystore "$node.p12" -storepass "$KEYSTORE_PASSWORD" -file "$node.crt"
  "$keytool" -importcert -alias "$node" -file "$node.crt" -keystore truststore.p12 -storetype PKCS12 \
    -storepass "$TRUSTSTORE_PASSWORD" -noprompt
done
chmod 600 ./*.p12
