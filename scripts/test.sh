#!/usr/bin/env bash
# Run the whole test suite: a throwaway database with the addon and its demo data,
# the tests run by pytest-odoo (browser tours included), the database dropped afterwards.
# Extra arguments go to pytest, e.g. scripts/test.sh -k recode
set -euo pipefail
# shellcheck source=scripts/_lib.sh
source "$(dirname "$0")/_lib.sh"

require_odoo
ensure_python_deps
ensure_postgres
prepare_addons_path

DB="cc_test_$(date +%s)_$$"
INSTALL_LOG="$ADDONS_DIR/install.log"
TEST_LOG="$ADDONS_DIR/test.log"
cleanup() {
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "$ADDONS_DIR" "${HOME:-/root}/.local/share/Odoo/filestore/$DB"
}
trap cleanup EXIT

# Odoo's log lines that are not about this addon's health
NOISE='Running as user|You need Wkhtmltopdf'

check_log() {  # check_log LOGFILE STEP
    local bad
    bad=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$1" | grep -Ev "$NOISE" || true)
    if [ -n "$bad" ]; then
        echo "$bad" | head -n 40
        die "the Odoo log of the $2 has WARNING or ERROR lines (above)"
    fi
}

# base_automation too: a test shows an Automation Rule reacting to a change of class
echo "Installing $MODULE (and base_automation) with demo data into $DB ..."
if ! odoo_bin -d "$DB" --addons-path="$ADDONS_PATH" -i "$MODULE,base_automation" --stop-after-init \
        --log-level=info --logfile="$INSTALL_LOG"; then
    tail -n 60 "$INSTALL_LOG"
    die "installation failed"
fi
check_log "$INSTALL_LOG" installation

cd "$ADDONS_DIR"
status=0
# the tests are collected through the link, so that they import as odoo.addons.customer_classification
"$PYTHON" -m pytest -p no:cacheprovider --rootdir="$ADDONS_DIR" "$ADDONS_DIR/$MODULE/tests" \
    --odoo-database="$DB" --odoo-addons-path="$ADDONS_PATH" --odoo-log-level=info \
    --odoo-extra "logfile=$TEST_LOG" --odoo-http "$@" || status=$?
if [ "$status" = 0 ]; then
    check_log "$TEST_LOG" tests
fi
exit "$status"
