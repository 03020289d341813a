#!/usr/bin/env bash
# Requests per second for anonymous visitors on the shared, cached public pages, served the way
# production serves them (gunicorn -w 2, production settings, Redis cache when it is running).
# Loopback only; wrk runs for a bounded time and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
WORK=$(mktemp -d /tmp/lms-throughput.XXXXXX)
PORT=${BENCH_PORT:-8765}
export DJANGO_SETTINGS_MODULE=lms.settings.production
export DJANGO_SECRET_KEY=bench-only-secret DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=0
export DATABASE_URL="sqlite:///$WORK/bench.sqlite3" LMS_VAR_DIR="$WORK"
if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  export REDIS_URL=redis://127.0.0.1:6379/15
  redis-cli -h 127.0.0.1 -p 6379 -n 15 flushdb >/dev/null
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
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/courses/" >/dev/null && break; sleep 0.2; done
echo "throughput (gunicorn -w 2, $cache cache, wrk -t2 -c16 -d10s):"
for path in / /courses/ /courses/public-servants/ "/courses/?audience=councillors"; do
  rps=$(wrk -t2 -c16 -d10s "http://127.0.0.1:$PORT$path" | awk '/Requests\/sec/ {print $2}')
  printf '  %-44s %8s req/s\n' "$path" "$rps"
  slug=$(echo "$path" | tr -c 'a-z0-9' '_' | sed 's/__*/_/g; s/^_//; s/_$//')
  "$BIN/python" bench/results.py "anonymous_throughput_${slug:-home}_req_per_s" "${rps:-0}" "req/s" "gunicorn -w 2, $cache cache, wrk -t2 -c16 -d10s, anonymous GET $path"
done
