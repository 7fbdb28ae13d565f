#!/usr/bin/env bash
# Registers the five sample endpoints of docker-compose.yml the way an operator does:
#   1. the routing part (type, eventTypes, path; never a key) as records on twin.endpoints,
#   2. the delivery part as one connector per endpoint through the Connect REST API.
# Run from the repository root after `docker compose up -d --build`.
# (./twin-egress-local registers the same endpoints by itself, with fresh keys.)
set -euo pipefail
CONNECT="${CONNECT:-http://127.0.0.1:8083}"

# 1. routing records: key = endpoint id, value = examples/endpoints/<id>.json on one line
docker compose exec -T kafka /opt/kafka/bin/kafka-console-producer.sh \
  --bootstrap-server kafka:19092 --topic twin.endpoints \
  --property parse.key=true --property 'key.separator=|' < examples/endpoints/twin.endpoints.txt

# 2. connectors: PUT creates or updates; the connection strings are ${file:...} references
for f in examples/connectors/*.json; do
  id="$(basename "$f" .json)"
  curl -sS -X PUT -H 'Content-Type: application/json' --data @"$f" \
    "$CONNECT/connectors/$id/config" -o /dev/null -w "connector $id: HTTP %{http_code}\n"
done

# the router's verdict per endpoint (Active / Rejected with a reason)
docker compose exec -T kafka /opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server kafka:19092 \
  --topic twin.endpoints.status --from-beginning --property print.key=true --timeout-ms 5000 || true
