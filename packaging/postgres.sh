#!/bin/bash
# Start the Debian PostgreSQL cluster for csu-wall's tests and create a role that may create
# databases; prints the role's URL (postgresql://ROLE:PASSWORD@127.0.0.1:PORT/postgres) on stdout.
# Idempotent: safe to run again (starts the cluster only if down, creates the role only if
# absent, sets its password each time). Debian 12, run as root.
#
#   CSU_PG_ROLE      role name (default csu_test)
#   CSU_PG_PASSWORD  its password (default: a new random one); read from the environment only,
#                    never passed as a process argument — psql gets it on stdin.
#
# If no cluster exists (the package was installed without one), one is created with
# pg_createcluster; where that is missing, initdb into /var/lib/postgresql/csu-wall as postgres.
set -euo pipefail

ROLE="${CSU_PG_ROLE:-csu_test}"
if [[ ! "$ROLE" =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
    echo "postgres.sh: nom de rôle invalide : $ROLE" >&2
    exit 2
fi
if [[ -n "${CSU_PG_PASSWORD:-}" && ! "$CSU_PG_PASSWORD" =~ ^[A-Za-z0-9._-]{8,}$ ]]; then
    echo "postgres.sh: CSU_PG_PASSWORD : 8 caractères au moins, lettres, chiffres, . _ -" >&2
    exit 2
fi
if [[ -z "${CSU_PG_PASSWORD:-}" ]]; then
    CSU_PG_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
fi
if [[ "$(id -u)" != 0 ]]; then
    echo "postgres.sh: à lancer en root (il démarre le serveur PostgreSQL)." >&2
    exit 2
fi
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "postgres.sh: PostgreSQL n'est pas installé : apt-get install postgresql" >&2
    exit 3
fi

PORT=""
if command -v pg_lsclusters >/dev/null; then
    if [[ -z "$(pg_lsclusters -h)" ]] && command -v pg_createcluster >/dev/null; then
        VERSION="$(basename "$(ls -d /usr/lib/postgresql/*/ | sort -V | tail -1)")"
        pg_createcluster "$VERSION" main >/dev/null
    fi
    read -r VERSION CLUSTER PORT STATUS _ < <(pg_lsclusters -h | head -1)
    if [[ "$STATUS" != online* ]]; then
        timeout 60 pg_ctlcluster "$VERSION" "$CLUSTER" start
    fi
else
    # No postgresql-common: a private cluster owned by postgres.
    BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    DATA=/var/lib/postgresql/csu-wall
    PORT=5432
    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        install -d -o postgres -g postgres -m 700 "$DATA"
        timeout 120 runuser -u postgres -- "$BIN/initdb" -D "$DATA" -A scram-sha-256 \
            --auth-local=peer -U postgres >/dev/null
    fi
    if ! timeout 10 runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA" status >/dev/null; then
        timeout 60 runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
            -o "-p $PORT -c listen_addresses=127.0.0.1" start >/dev/null
    fi
fi

for _ in $(seq 1 50); do
    if timeout 5 runuser -u postgres -- psql -p "$PORT" -Atqc "SELECT 1" >/dev/null 2>&1; then
        break
    fi
    sleep 0.2
done

# Password on stdin (psql variable), never on a command line.
{
    printf '\\set role %s\n' "$ROLE"
    printf '\\set pw %s\n' "$CSU_PG_PASSWORD"
    cat <<'SQL'
SELECT format('CREATE ROLE %I LOGIN CREATEDB', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'role', :'pw') \gexec
SQL
} | timeout 30 runuser -u postgres -- psql -p "$PORT" -v ON_ERROR_STOP=1 -Atq >/dev/null

echo "postgresql://${ROLE}:${CSU_PG_PASSWORD}@127.0.0.1:${PORT}/postgres"
