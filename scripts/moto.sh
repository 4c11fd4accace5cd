#!/usr/bin/env bash
# Installs moto_server (PyPI package moto[server], pinned) into a virtual
# environment under .cache/moto, idempotently, and prints the path of the
# moto_server binary. moto_server serves DynamoDB, DynamoDB Streams, S3 and
# SQS on one port; the Go helper internal/awstest starts it on loopback.
#
#   scripts/moto.sh          install if needed, print the binary's path
set -euo pipefail
MOTO_VERSION="5.2.5"
bin="$("$(dirname "$0")/venv.sh" moto "moto[server]==$MOTO_VERSION" -- moto_server)"
echo "$bin/moto_server"
