#!/usr/bin/env bash
# Requests per second, served the way production serves them (gunicorn -w 2, production settings,
# PostgreSQL when it answers, Redis cache when it is running), side by side in one run: a bare "ok" view (bench/urls.py, a
# benchmark-only URL configuration), the anonymous public pages, and the pages a signed-in learner
# opens (lesson, course, My learning, catalogue), each also as a share of the bare view.
#
# The machine may be shared, so its load changes from one second to the next: every page is
# measured in ROUNDS short runs, each right after a run of the bare view, and its share is the
# median over the rounds of (page / the bare view just before it). Every URL is warmed first, so
# no run pays for a worker's first request (imports, template loading, empty caches).
# Loopback only; wrk runs for a bounded time and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
WORK=$(mktemp -d /tmp/lms-throughput.XXXXXX)
PORT=${BENCH_PORT:-8765}
ROUNDS=${BENCH_ROUNDS:-3}
SECONDS_PER_RUN=${BENCH_SECONDS:-4}
REDIS_DB=${BENCH_REDIS_DB:-15}
export DJANGO_SETTINGS_MODULE=bench.settings
export DJANGO_SECRET_KEY=bench-only-secret DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=0
export LMS_VAR_DIR="$WORK"
# PostgreSQL, as production runs (a database of its own, dropped at the end), when the server at
# BENCH_PG_URL answers; else a SQLite file, and the results say which.
PG_SERVER=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
PG_DB="bench_throughput_$$"
if pg_isready -q -d "$PG_SERVER/postgres" 2>/dev/null && psql "$PG_SERVER/postgres" -qc "CREATE DATABASE $PG_DB" 2>/dev/null; then
  export DATABASE_URL="$PG_SERVER/$PG_DB"
  database="PostgreSQL"
else
  export DATABASE_URL="sqlite:///$WORK/bench.sqlite3"
  database="SQLite"
  PG_DB=""
fi
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  if [ -n "$PG_DB" ]; then psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  export REDIS_URL=redis://127.0.0.1:6379/$REDIS_DB
  redis-cli -h 127.0.0.1 -p 6379 -n "$REDIS_DB" flushdb >/dev/null
  cache="Redis"
else
  cache="database"
fi
$BIN/python manage.py migrate -v0
$BIN/python manage.py createcachetable
$BIN/python manage.py load_courses >/dev/null
$BIN/python manage.py collectstatic --noinput -v0
$BIN/gunicorn lms.wsgi -w 2 -b 127.0.0.1:$PORT --no-control-socket --log-level warning &
SERVER=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/courses/" >/dev/null && break; sleep 0.2; done
read -r SESSION CSRF LESSON COURSE < <($BIN/python bench/signed_in_session.py)
# What a learner's browser sends: the session and the CSRF cookie the first page with a form set.
COOKIE="sessionid=$SESSION; csrftoken=$CSRF"
HOW="gunicorn -w 2, $database, $cache cache, wrk -t2 -c16, $ROUNDS rounds of ${SECONDS_PER_RUN}s each after a run of the bare view"

# key|label|path|cookie
PAGES=(
  "anonymous_throughput_home|anonymous GET /|/|"
  "anonymous_throughput_courses|anonymous GET /courses/|/courses/|"
  "anonymous_throughput_courses_public_servants|anonymous GET /courses/public-servants/|/courses/public-servants/|"
  "anonymous_throughput_courses_audience_councillors|anonymous GET /courses/?audience=councillors|/courses/?audience=councillors|"
  "signed_in_bare_view|bare Django view /bench/ok/ with a learner's session (session and user read)|/bench/ok/|$COOKIE"
  "signed_in_lesson|signed-in learner, lesson $LESSON|$LESSON|$COOKIE"
  "signed_in_course|signed-in learner, course $COURSE|$COURSE|$COOKIE"
  "signed_in_my_learning|signed-in learner, My learning|/my-learning/|$COOKIE"
  "signed_in_catalogue|signed-in learner, catalogue|/courses/|$COOKIE"
)

rps_of() {  # path cookie seconds
  local args=(-t2 -c16 "-d${3}s")
  [ -n "${2:-}" ] && args+=(-H "Cookie: $2")
  wrk "${args[@]}" "http://127.0.0.1:$PORT$1" | awk '/Requests\/sec/ {print $2}'
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Warm every URL in both workers (first requests import code and fill the caches).
for entry in "|/bench/ok/|" "${PAGES[@]}"; do
  IFS='|' read -r _ _ path cookie <<<"$entry"
  rps_of "$path" "$cookie" 1 >/dev/null
done

declare -A RPS SHARES
BARES=()
for round in $(seq 1 "$ROUNDS"); do
  for entry in "${PAGES[@]}"; do
    IFS='|' read -r key _ path cookie <<<"$entry"
    bare=$(rps_of /bench/ok/ "" "$SECONDS_PER_RUN")
    rps=$(rps_of "$path" "$cookie" "$SECONDS_PER_RUN")
    BARES+=("${bare:-0}")
    RPS[$key]+="${rps:-0} "
    SHARES[$key]+="$(awk -v a="${rps:-0}" -v b="${bare:-0}" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }') "
  done
done

bare=$(printf '%s\n' "${BARES[@]}" | median)
echo "throughput ($HOW), medians; share = page / the bare view measured just before it:"
printf '  %-60s %8.1f req/s\n' "bare Django view /bench/ok/" "$bare"
"$BIN/python" bench/results.py "bare_view_req_per_s" "$bare" "req/s" "$HOW, GET /bench/ok/ (bench/urls.py), median of every run"
for entry in "${PAGES[@]}"; do
  IFS='|' read -r key label _ _ <<<"$entry"
  rps=$(tr ' ' '\n' <<<"${RPS[$key]}" | grep . | median)
  share=$(tr ' ' '\n' <<<"${SHARES[$key]}" | grep . | median)
  printf '  %-60s %8.1f req/s  %6.1f%% of the bare view\n' "$label" "$rps" "$(awk -v s="$share" 'BEGIN { print 100 * s }')"
  "$BIN/python" bench/results.py "${key}_req_per_s" "$rps" "req/s" "$HOW, $label, median"
  "$BIN/python" bench/results.py "${key}_share_of_bare_view" "$share" "ratio" "$HOW, $label / the bare view just before it, median"
done
