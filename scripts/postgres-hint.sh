#!/usr/bin/env bash
# After `make test` on SQLite: one line on how to run the same suite on PostgreSQL.
[[ -n ${DATABASE_URL:-} ]] && exit 0
if command -v pg_isready >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "That was SQLite. The same suite on PostgreSQL (127.0.0.1:5432): make test-postgres"
elif command -v pg_isready >/dev/null 2>&1; then
  echo "That was SQLite. For PostgreSQL, start it (pg_ctlcluster $(ls /etc/postgresql 2>/dev/null | sort -V | tail -1) main start) and run make test-postgres, or bash .ci/run (starts it, runs both)."
else
  echo "That was SQLite; no PostgreSQL here. For the PostgreSQL suite: apt-get install postgresql, then bash .ci/run (starts it, runs both) or make test-postgres."
fi
