# Shared helpers for scripts/demo.sh and scripts/test.sh (sourced, not run).
# Environment: PYTHON (default python3), ODOO_ADDONS_PATH (extra addons folders).

PYTHON=${PYTHON:-python3}
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODULE=customer_classification

die() { echo "ERROR: $*" >&2; exit 1; }

require_odoo() {
    local version
    version=$("$PYTHON" -c 'import odoo.release as r; print("%s.%s" % r.version_info[:2])' 2>/dev/null) || version=""
    if [ "$version" != "18.0" ]; then
        cat >&2 <<MSG
ERROR: Odoo 18.0 is not importable with $PYTHON (found: ${version:-nothing}).
Install Odoo 18.0 Community from source first, as Odoo documents it:
  https://www.odoo.com/documentation/18.0/administration/on_premise/source.html
  upstream source: https://github.com/odoo/odoo (branch 18.0)
then check with: $PYTHON -c "import odoo.release as r; print(r.version)"
MSG
        exit 1
    fi
}

# Python libraries the addon needs beyond Odoo's requirements.txt (phonenumbers: Odoo's
# phone_validation normalises numbers with it), installed when missing.
ensure_python_deps() {
    if ! "$PYTHON" -c 'import phonenumbers' 2>/dev/null; then
        echo "Installing the Python package phonenumbers ..."
        "$PYTHON" -m pip install --quiet 'phonenumbers' || die "could not install phonenumbers (pip install phonenumbers)"
    fi
}

# Start a local PostgreSQL when none answers, and make sure the current user may create databases.
ensure_postgres() {
    if ! pg_isready -q 2>/dev/null; then
        if command -v pg_ctlcluster >/dev/null 2>&1; then
            local cluster
            cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')
            [ -n "$cluster" ] || die "no PostgreSQL cluster found (pg_lsclusters)"
            # shellcheck disable=SC2086
            pg_ctlcluster $cluster start || die "could not start PostgreSQL cluster $cluster"
        else
            die "PostgreSQL does not answer and pg_ctlcluster is not available: start it yourself"
        fi
        for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
    fi
    if ! psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        [ "$(id -u)" = 0 ] || die "PostgreSQL refuses user $(id -un): create a role for it"
        su postgres -c "createuser -s $(id -un)" || die "could not create a PostgreSQL role for $(id -un)"
    fi
}

# Folder with this checkout linked as customer_classification, plus Odoo's own addons.
prepare_addons_path() {
    ADDONS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cc-addons.XXXXXX")
    ln -s "$REPO_DIR" "$ADDONS_DIR/$MODULE"
    local odoo_root
    odoo_root=$("$PYTHON" -c 'import os, odoo; print(os.path.dirname(os.path.dirname(odoo.__file__)))')
    ADDONS_PATH="$ADDONS_DIR"
    [ -d "$odoo_root/addons" ] && ADDONS_PATH="$ADDONS_PATH,$odoo_root/addons"
    [ -d "$odoo_root/odoo/addons" ] && ADDONS_PATH="$ADDONS_PATH,$odoo_root/odoo/addons"
    [ -n "${ODOO_ADDONS_PATH:-}" ] && ADDONS_PATH="$ADDONS_PATH,$ODOO_ADDONS_PATH"
    export ADDONS_DIR ADDONS_PATH
}

odoo_bin() {
    "$PYTHON" -c 'import sys; from odoo.cli.command import main; sys.argv[0] = "odoo"; main()' "$@"
}
