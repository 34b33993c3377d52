#!/bin/sh
# csu-wall launcher: the frozen application lives in /opt/csu-wall.
# /etc/csu-wall/database-url (one line, written by IT staff) names the database shared by the
# control room's workstations, e.g. postgresql://csu_wall@db.csu.local/csu_wall. It never
# holds a password: use each user's ~/.pgpass or another libpq authentication.
# A --database given on the command line comes after, so it wins.
URL_FILE=/etc/csu-wall/database-url
if [ -r "$URL_FILE" ]; then
  URL="$(sed -n '/^[[:space:]]*[^#[:space:]]/{s/^[[:space:]]*//;s/[[:space:]]*$//;p;q}' "$URL_FILE")"
  if [ -n "$URL" ]; then
    exec /opt/csu-wall/csu-wall --database "$URL" "$@"
  fi
fi
exec /opt/csu-wall/csu-wall "$@"
