#!/usr/bin/env bash
# Mutation testing of the pure logic: mutmut changes dates, names, validation, text fitting
# and escaping, the custom_id codec, search terms and fair use one small change at a time,
# runs the unit tests that reach the changed function, and this prints the score per module.
#
#   .venv/bin/pip install -e ".[mutation]" && bash scripts/mutation.sh
#
# About 2 minutes on 2 cores (JOBS=N to change). Not part of .ci/run. What is mutated and which
# tests run: [tool.mutmut] in pyproject.toml; the scoring and the allow-list of survivors that
# make no difference: scripts/mutation_report.py. Exits 1 if a module is under 95% or a
# survivor is unexplained.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-.venv/bin/python}"

if ! "$PYTHON" -c "import mutmut" 2>/dev/null; then
    echo "mutmut is not installed: $PYTHON -m pip install -e '.[mutation]'" >&2
    exit 2
fi

# mutmut keeps results per function between runs and would not see a changed test: start afresh.
rm -rf mutants
mkdir mutants
start=$SECONDS
echo "== mutmut run (log: mutants/run.log)"
if ! "$PYTHON" -m mutmut run --max-children "${JOBS:-$(nproc)}" >mutants/run.log 2>&1; then
    tail -c 3000 mutants/run.log | tr '\r' '\n' | tail -n 30
    echo "mutmut failed: see mutants/run.log" >&2
    exit 1
fi
echo "   $((SECONDS - start)) s"
"$PYTHON" scripts/mutation_report.py
