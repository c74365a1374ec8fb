# shellcheck shell=bash
# A pinned PyPI package in a project-local virtualenv, for the end-to-end
# scripts. Source this file; it defines functions only and changes no shell
# options. The caller defines `note` (progress on stdout) and `die`.

# pinned_venv_ok VENV PACKAGE VERSION -> status 0 when VENV holds PACKAGE==VERSION.
pinned_venv_ok() {
    [[ -x $1/bin/python ]] &&
        "$1/bin/python" -c 'import sys, importlib.metadata as m
sys.exit(m.version(sys.argv[1]) != sys.argv[2])' "$2" "$3" 2>/dev/null
}

# ensure_pinned_venv VENV PYTHON PACKAGE VERSION -> reuses VENV when it holds
# PACKAGE==VERSION, else creates it afresh with PYTHON and installs it from
# PyPI; on failure shows pip's last lines and dies. VENV is kept out of git.
ensure_pinned_venv() {
    local venv=$1 python=$2 package=$3 version=$4 t0 log
    if pinned_venv_ok "$venv" "$package" "$version"; then
        note "reusing $venv ($package $version)"
    else
        note "installing $package==$version into $venv"
        t0=$SECONDS
        log=$(mktemp "${TMPDIR:-/tmp}/dbsecrets-venv-install.XXXXXX")
        rm -rf "$venv"
        if ! {
            "$python" -m venv "$venv" &&
                "$venv/bin/python" -m pip install --quiet --no-input --disable-pip-version-check \
                    "$package==$version"
        } >"$log" 2>&1 || ! pinned_venv_ok "$venv" "$package" "$version"; then
            tail -n 30 "$log" >&2
            rm -rf "$venv" "$log"
            die "could not install $package==$version into $venv (needs '$python -m venv' and access to PyPI)"
        fi
        rm -f "$log"
        note "installed in $((SECONDS - t0))s"
    fi
    # Keep the virtualenv out of git without touching the repository's .gitignore.
    [[ -f $venv/.gitignore ]] || printf '*\n' >"$venv/.gitignore"
}
