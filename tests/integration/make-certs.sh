#!/bin/sh
# make-certs.sh DIR: test certificates for mutual TLS: a CA, a server certificate for 127.0.0.1
# and a client one signed by it, and a client certificate of another CA. PEM files in DIR.
set -eu
cd "$1"
sign() {   # sign NAME CA SUBJECT EXT: NAME.key, NAME.pem signed by CA
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
		-subj "/CN=$3" -out "$1.csr" 2>/dev/null
	printf '%s\n' "$4" > "$1.ext"
	openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
		-extfile "$1.ext" -out "$1.pem" 2>/dev/null
}
ca() {   # ca NAME: a self-signed CA
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
		-subj "/CN=$1" -days 2 -out "$1.pem" 2>/dev/null
}
ca ca
ca other-ca
sign server ca 127.0.0.1 "subjectAltName=IP:127.0.0.1"
sign client ca hostcall-client "extendedKeyUsage=clientAuth"
sign stranger other-ca stranger "extendedKeyUsage=clientAuth"
chmod 600 ./*.key
