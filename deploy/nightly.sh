#!/usr/bin/env bash
# Nightly housekeeping of onestop-assess, run by onestop-nightly.service on ONE host.
# Every step runs even if an earlier one failed; the script fails if any step failed, so
# `systemctl status onestop-nightly` and the monitoring see it.
#
# Environment (from /etc/onestop-assess/env): DATABASE_URL (the SQLAlchemy URL),
# UPLOAD_DIR; optional BACKUP_DIR (default /var/backups/onestop-assess), BACKUP_KEEP_DAYS
# (default 14), BACKUP_DATABASE_URL (dump from a read replica instead of the primary).
set -u
cd "$(dirname "$0")/.."
FLASK=".venv/bin/flask"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/onestop-assess}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
STAMP="$(date +%Y%m%dT%H%M%S)"
failed=0

step() {
  echo "== $*"
  "$@" || { echo "!! failed: $*" >&2; failed=1; }
}

# pg_dump wants a libpq URL: postgresql+psycopg://… -> postgresql://…
dump_url() {
  local url="${BACKUP_DATABASE_URL:-$DATABASE_URL}"
  echo "${url/+psycopg/}"
}

backup_database() {
  local target="$BACKUP_DIR/onestop-$STAMP.dump"
  pg_dump --format=custom --file="$target.part" "$(dump_url)" &&
    pg_restore --list "$target.part" >/dev/null &&  # a readable archive, not a torn file
    mv "$target.part" "$target"
}

backup_uploads() {
  # question images and pending imports: small, and needed with the database
  tar --create --gzip --file="$BACKUP_DIR/uploads-$STAMP.tar.gz" \
    --directory="$UPLOAD_DIR" .
}

prune_backups() {
  find "$BACKUP_DIR" -maxdepth 1 -type f \( -name 'onestop-*.dump' -o -name 'uploads-*.tar.gz' \
    -o -name '*.part' \) -mtime +"$KEEP_DAYS" -delete
}

mkdir -p "$BACKUP_DIR"
step backup_database
step backup_uploads
step prune_backups
step "$FLASK" surveys purge-keys --days 30
step "$FLASK" analytics refresh
step "$FLASK" analytics purge-charts --days 7
exit "$failed"
