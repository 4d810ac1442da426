#!/usr/bin/env bash
# sekisho serve end to end, with a real upstream on loopback (serve_test.py).
# usage: tests/e2e/serve.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/serve_test.py" "${1:-build}/sekisho"
