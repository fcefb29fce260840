#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL cluster on 127.0.0.1 for tests, owned by the
# `postgres` user (initdb/pg_ctl refuse root). Prints the DATABASE_URL to use.
# Usage: scripts/pg-test-server.sh start|stop   (env PGPORT, default 55432; POSTLOAN_PG_OPTS adds
# server settings, e.g. "-c shared_buffers=4GB -c maintenance_work_mem=1GB" for a scale-L bench)
set -euo pipefail
cmd=${1:-start}
port=${PGPORT:-55432}
dir=${POSTLOAN_PG_DIR:-/tmp/postloan-pg-$port}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
run_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    su postgres -s /bin/bash -c "$*"
  else
    bash -c "$*"
  fi
}
case $cmd in
  start)
    if [[ ! -f $dir/PG_VERSION ]]; then
      mkdir -p "$dir"
      [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
      run_pg "$bindir/initdb -D $dir -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null"
    fi
    if ! run_pg "$bindir/pg_ctl -D $dir status" >/dev/null 2>&1; then
      run_pg "$bindir/pg_ctl -D $dir -l $dir/server.log -w -o '-p $port -h 127.0.0.1 -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${POSTLOAN_PG_OPTS:-}' start >/dev/null"
    fi
    echo "postgres://postgres@127.0.0.1:$port/postloan"
    ;;
  stop)
    run_pg "$bindir/pg_ctl -D $dir -m fast stop" >/dev/null 2>&1 || true
    ;;
esac
