#!/usr/bin/env bash
# Set everything up and run the demo: PostgreSQL started, a database with this addon and
# its demo data (created, or refreshed when it exists), Odoo serving on http://localhost:8069
# (logins admin / admin and demo / demo). Environment: DB (default customer_classification_demo), PORT.
set -euo pipefail
# shellcheck source=scripts/_lib.sh
source "$(dirname "$0")/_lib.sh"

DB=${DB:-customer_classification_demo}
PORT=${PORT:-8069}

require_odoo
ensure_python_deps
ensure_postgres
prepare_addons_path
trap 'rm -rf "$ADDONS_DIR"' EXIT

if psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    echo "Refreshing database $DB ..."
    odoo_bin -d "$DB" --addons-path="$ADDONS_PATH" -u "$MODULE" --stop-after-init --log-level=warn
else
    echo "Creating database $DB with demo data (a few minutes) ..."
    odoo_bin -d "$DB" --addons-path="$ADDONS_PATH" -i "$MODULE" --stop-after-init --log-level=warn
fi
echo "Odoo is starting on http://localhost:$PORT  (logins: admin / admin, administrator; demo / demo, salesperson; Ctrl+C to stop)"
odoo_bin -d "$DB" --addons-path="$ADDONS_PATH" --http-port="$PORT" --db-filter="^$DB\$" --log-level=info
