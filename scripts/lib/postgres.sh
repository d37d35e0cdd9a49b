# Sourced by scripts/test and .ci/run: make sure a PostgreSQL answers on 127.0.0.1:5432 and export
# DATABASE_URL for the tests that run against it (storage, server, worker). Without PostgreSQL
# those tests run on SQLite only; in CI (CI=true) a missing PostgreSQL is an error.
pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then return 0; fi
  if ! pg_up; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      echo "starting PostgreSQL ($(ls /etc/postgresql))" >&2
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
      for _ in $(seq 1 30); do pg_up && break; sleep 1; done
    fi
  fi
  if pg_up; then
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/test"
    echo "PostgreSQL tests on: $DATABASE_URL" >&2
  elif [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL is not reachable on 127.0.0.1:5432 and could not be started" >&2
    return 1
  else
    echo "PostgreSQL not reachable: database tests run on SQLite only" >&2
  fi
}
