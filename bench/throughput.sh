#!/usr/bin/env bash
# Requests per second, served the way production serves them (gunicorn -w 2, production settings,
# Redis cache when it is running), side by side in one run: a bare "ok" view (bench/urls.py, a
# benchmark-only URL configuration), the anonymous public pages, and the pages a signed-in learner
# opens (lesson, course, My learning, catalogue), each also as a share of the bare view.
# Loopback only; wrk runs for a bounded time and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
WORK=$(mktemp -d /tmp/lms-throughput.XXXXXX)
PORT=${BENCH_PORT:-8765}
export DJANGO_SETTINGS_MODULE=bench.settings
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
read -r SESSION LESSON COURSE < <($BIN/python bench/signed_in_session.py)
HOW="gunicorn -w 2, $cache cache, wrk -t2 -c16 -d10s"
rps_of() {  # path [cookie]
  local args=(-t2 -c16 -d10s)
  [ -n "${2:-}" ] && args+=(-H "Cookie: sessionid=$2")
  wrk "${args[@]}" "http://127.0.0.1:$PORT$1" | awk '/Requests\/sec/ {print $2}'
}
bare=$(rps_of /bench/ok/)
echo "throughput ($HOW), share of the bare view:"
printf '  %-44s %8s req/s\n' "bare Django view /bench/ok/" "$bare"
"$BIN/python" bench/results.py "bare_view_req_per_s" "${bare:-0}" "req/s" "$HOW, GET /bench/ok/ (bench/urls.py)"
measure() {  # key label path [cookie]
  local rps share
  rps=$(rps_of "$3" "${4:-}")
  share=$(awk -v a="${rps:-0}" -v b="${bare:-0}" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }')
  printf '  %-44s %8s req/s  %6.1f%%\n' "$2" "$rps" "$(awk -v s="$share" 'BEGIN { print 100 * s }')"
  "$BIN/python" bench/results.py "${1}_req_per_s" "${rps:-0}" "req/s" "$HOW, $2"
  "$BIN/python" bench/results.py "${1}_share_of_bare_view" "$share" "ratio" "$HOW, $2 / bare view, same run"
}
for path in / /courses/ /courses/public-servants/ "/courses/?audience=councillors"; do
  slug=$(echo "$path" | tr -c 'a-z0-9' '_' | sed 's/__*/_/g; s/^_//; s/_$//')
  measure "anonymous_throughput_${slug:-home}" "anonymous GET $path" "$path"
done
measure signed_in_lesson "signed-in learner, lesson $LESSON" "$LESSON" "$SESSION"
measure signed_in_course "signed-in learner, course $COURSE" "$COURSE" "$SESSION"
measure signed_in_my_learning "signed-in learner, My learning" /my-learning/ "$SESSION"
measure signed_in_catalogue "signed-in learner, catalogue" /courses/ "$SESSION"
