#!/usr/bin/env bash
# Fuzz the live API with schemathesis over every operation: anonymously and as each role
# (city admin, town admin, station head, volunteer), on its own PostgreSQL database.
#
# Checks: all of schemathesis's (no 5xx; every status code, content type, header and body as
# documented in /api/schema/; requests the schema forbids refused with a 4xx and requests it
# allows accepted; auth really enforced; deleted resources gone). .ci/schemathesis.toml lists
# the few operation/check pairs turned off, each with why the schema cannot express the rule.
#
# Environment knobs: FUZZ_DATABASE_URL (default …/wm_fuzz, dropped and recreated), FUZZ_PORT
# (8765), FUZZ_MAX_EXAMPLES per operation (10), FUZZ_SEED (1), FUZZ_JOBS schemathesis runs at
# once (4). Reproduce locally with e.g.
#   FUZZ_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wm_fuzz_me FUZZ_PORT=9100 .ci/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

port="${FUZZ_PORT:-8765}"
max_examples="${FUZZ_MAX_EXAMPLES:-10}"
seed="${FUZZ_SEED:-1}"
export DATABASE_URL="${FUZZ_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wm_fuzz}"
# Local cache and eager tasks: the run shares nothing with the test suite's Redis databases.
unset CACHE_URL CELERY_BROKER_URL CELERY_RESULT_BACKEND
export DJANGO_DEBUG=1
# Rate limits high enough that the fuzzer reaches the code behind them (429 is still documented).
export WENMING_AUTH_TOKEN_RATE=100000/minute
export WENMING_ORDER_RATE_IP=100000/hour
export WENMING_ORDER_RATE_PHONE=100000/hour
export WENMING_WISH_RATE_IP=100000/hour
# Photos the fuzzer manages to upload (it does make valid PNGs) go to a throwaway folder.
media="$(mktemp -d -t wenming-fuzz-media.XXXXXX)"
export DJANGO_MEDIA_ROOT="$media"

db_name="${DATABASE_URL##*/}"
dropdb --if-exists -h 127.0.0.1 -U postgres "$db_name"
createdb -h 127.0.0.1 -U postgres "$db_name"
uv run manage.py migrate --verbosity 0
tokens="$(uv run manage.py seed_api_fixture)"

log="$(mktemp -t wenming-fuzz-server.XXXXXX)"
uv run manage.py runserver --noreload "127.0.0.1:${port}" >"$log" 2>&1 &
server=$!
schema="$(mktemp -t wenming-fuzz-schema.XXXXXX.json)"
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$media" "$schema"' EXIT
# The live server's schema, fetched once: each run reads the file (eight runs asking a busy
# server for it at once timed out after schemathesis's 10 s).
# Up to 3 minutes: on a loaded machine the dev server took over 30 s to answer its first request.
for _ in $(seq 360); do
  curl -fsS -o "$schema" "http://127.0.0.1:${port}/api/schema/?format=json" 2>/dev/null && break
  sleep 0.5
done
if [ ! -s "$schema" ]; then
  echo "the server on port ${port} never served /api/schema/; its log: ${log}" >&2
  exit 1
fi

logs="$(mktemp -d -t wenming-fuzz.XXXXXX)"

run() {
  local who="$1" phases="$2"
  shift 2
  echo "== schemathesis as ${who} (${phases})"
  # No --checks: every check is on by default, and a check named on the command line would
  # override the per-operation exceptions in .ci/schemathesis.toml.
  uv run st --config-file .ci/schemathesis.toml run "$schema" --url "http://127.0.0.1:${port}" \
    --max-examples "$max_examples" --seed "$seed" --phases "$phases" --workers 1 --no-color "$@"
}

token_for() { sed -n "s/^$1=//p" <<<"$tokens"; }

# The coverage phase (every boundary and wrong type of every parameter, deterministic) once, as
# the city admin who reaches every operation's code, and random fuzzing (examples + fuzzing) as
# everyone. Each schemathesis run has one worker (its coverage phase is not thread-safe), and
# FUZZ_JOBS runs (4) go at once: a run mostly waits for the server, so even on 2 vCPUs parallel
# runs finish sooner than one after another. The coverage phase is by far the longest, so it is
# split in four parts over disjoint operations (orders and auth; events; hours and volunteers;
# the rest) that start first. Every run logs to its own file; the logs are printed in a fixed order afterwards, and
# any failed run fails the script.
jobs_max="${FUZZ_JOBS:-4}"
running=()

start() {
  local name="$1"
  shift
  while [ "${#running[@]}" -ge "$jobs_max" ]; do
    wait -n "${running[@]}" || true
    local alive=() pid
    for pid in "${running[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); fi
    done
    running=("${alive[@]}")
  done
  {
    rc=0
    run "$@" || rc=$?
    echo "$rc" >"$logs/$name.rc"
  } >"$logs/$name.log" 2>&1 &
  running+=("$!")
}

# Runs with a role's token skip POST /api/auth/token/revoke-all/: it would delete that very
# token and leave the rest of the run with 401s (the anonymous run still fuzzes it).
keep_token=(--exclude-path /api/auth/token/revoke-all/)
as_city_admin=(--header "Authorization: Token $(token_for city_admin)" "${keep_token[@]}")
hours="service-records|certificates|points|rewards|redemptions|volunteers|teams"
start coverage_a "city_admin, orders and auth" coverage "${as_city_admin[@]}" \
  --include-path-regex '^/api/(orders|auth)/'
start coverage_b "city_admin, events" coverage "${as_city_admin[@]}" \
  --include-path-regex '^/api/events/'
start coverage_c "city_admin, hours and volunteers" coverage "${as_city_admin[@]}" \
  --include-path-regex "^/api/(${hours})/"
start coverage_d "city_admin, the rest" coverage "${as_city_admin[@]}" \
  --exclude-path-regex "^/api/(orders|auth|events|${hours})/"
start anonymous anonymous examples,fuzzing
roles=(city_admin town_admin station_head volunteer)
for role in "${roles[@]}"; do
  start "$role" "$role" examples,fuzzing --header "Authorization: Token $(token_for "$role")" \
    "${keep_token[@]}"
done
wait "${running[@]}" || true

status=0
for name in anonymous "${roles[@]}" coverage_a coverage_b coverage_c coverage_d; do
  cat "$logs/$name.log"
  if [ "$(cat "$logs/$name.rc" 2>/dev/null)" != 0 ]; then
    echo "== ${name}: failed" >&2
    status=1
  fi
done

if [ "$status" -ne 0 ]; then
  echo "schemathesis found problems; server log: ${log}" >&2
  grep -n -A3 "Traceback\|Internal Server Error" "$log" | head -80 >&2 || true
fi
echo "== fuzzing took $((SECONDS - started)) s"
exit "$status"
