#!/usr/bin/env bash
# Privy for Windows, built on Debian: cross-build for x86_64-pc-windows-gnu
# with Debian's Rust (its standard library is built from rust-web-src with
# -Zbuild-std), link with mingw-w64, run under Wine.
#
#   scripts/windows.sh setup          install the tools, make the Wine prefix
#   scripts/windows.sh check          the whole app (GUI included), every
#                                     target, no warnings allowed
#   scripts/windows.sh test [ARGS]    the core and CLI tests, run under Wine
#   scripts/windows.sh run [ARGS]     privy.exe (debug) under Wine
#   scripts/windows.sh zip            dist/privy-windows-x86_64.zip: a release
#                                     privy.exe, the example and the README
#
# Everything lands in target/windows (builds) and target/wine (the prefix);
# nothing outside the work tree is changed but the Debian packages.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

TARGET=x86_64-pc-windows-gnu
WINE=/usr/lib/wine/wine64
export WINEPREFIX="$top/target/wine"
export WINEDEBUG=-all
# Our bcryptprimitives.dll (ProcessPrng) before Wine's own; no Mono or
# Gecko installer prompts while the prefix is made.
export WINEDLLOVERRIDES="bcryptprimitives=n,b;mscoree=;mshtml="

# Debian's toolchain, not rustup's: rustup cannot fetch the Windows
# standard library here, and Debian's Rust builds it from source.
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="$top/target/windows"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$WINE"
# The rustup toolchain's variables would point Debian's cargo back at it.
unset RUSTUP_TOOLCHAIN CARGO_BUILD_RUSTC RUSTC_WRAPPER || true
CARGO=(/usr/bin/cargo)
BUILD_STD=(-Zbuild-std=std,panic_abort --target "$TARGET")

setup() {
  local need=()
  [ -x /usr/bin/rustc ] && /usr/bin/rustc --version | grep -q . || need+=(rustc-web)
  [ -x /usr/bin/cargo ] || need+=(cargo-web)
  [ -d /usr/lib/rustlib/src/rust/library ] || need+=(rust-web-src)
  command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
  [ -x "$WINE" ] || need+=(wine64)
  if [ "${#need[@]}" -gt 0 ]; then
    echo "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  local shim="$top/target/wine-shim/bcryptprimitives.dll"
  if [ ! -f "$shim" ]; then
    mkdir -p "$(dirname "$shim")"
    x86_64-w64-mingw32-gcc -O2 -shared -o "$shim" \
      scripts/windows/processprng.c scripts/windows/bcryptprimitives.def -ladvapi32
  fi
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    echo "making the Wine prefix"
    DISPLAY= "$WINE" wineboot --init >/dev/null 2>&1 || true
    /usr/lib/wine/wineserver -w || true
  fi
  cp "$shim" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
}

case "${1:-}" in
  setup) setup ;;
  check)
    setup
    RUSTFLAGS="-D warnings" "${CARGO[@]}" check "${BUILD_STD[@]}" --all-targets
    ;;
  test)
    shift
    setup
    # The core and CLI (the GUI tests need a GPU-less renderer that Wine's
    # wgpu cannot give kittest; the GUI is built by `check`).
    RUSTFLAGS="-D warnings" "${CARGO[@]}" test "${BUILD_STD[@]}" --no-default-features \
      --lib --test it "$@"
    ;;
  run)
    shift
    setup
    "${CARGO[@]}" run "${BUILD_STD[@]}" -- "$@"
    ;;
  zip)
    setup
    "${CARGO[@]}" build "${BUILD_STD[@]}" --release
    mkdir -p dist
    python3 - "$CARGO_TARGET_DIR/$TARGET/release/privy.exe" <<'EOF'
import sys, zipfile
exe = sys.argv[1]
out = "dist/privy-windows-x86_64.zip"
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.write(exe, "privy/privy.exe")
    z.write("assets/examples/ServerConfig.json", "privy/ServerConfig.json")
    z.write("assets/examples/pool.json", "privy/pool.json")
    z.write("README.md", "privy/README.md")
print(out)
EOF
    ;;
  *)
    sed -n '2,16p' "$0" >&2
    exit 2
    ;;
esac
