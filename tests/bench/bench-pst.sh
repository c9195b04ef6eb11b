#!/usr/bin/env bash
# PST benchmark: `mailhunt scan` against `readpst -S` on the same PST files.
#
#   tests/bench/bench-pst.sh [--mailhunt PATH] [--rounds N] FILE.pst|DIR ...
#
# Run by hand, not by make check.  A DIR is searched for *.pst and *.ost.
# Each tool reads every file --rounds times (default 20: the public test
# PSTs are small, so one round is mostly process start-up); readpst writes
# to a temporary directory that is removed after each round, mailhunt's
# report goes to /dev/null.  Needs readpst (Debian package pst-utils).
# Prints one line per tool and, last, one JSON object with the figures.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mailhunt=${MAILHUNT:-$here/../../mailhunt}
rounds=20
inputs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--mailhunt) mailhunt=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	-h|--help) sed -n '2,11p' "$0"; exit 0 ;;
	*) inputs+=("$1"); shift ;;
	esac
done
command -v readpst >/dev/null || { echo "bench-pst: readpst not found (package pst-utils)" >&2; exit 2; }
[ -x "$mailhunt" ] || { echo "bench-pst: no mailhunt at $mailhunt" >&2; exit 2; }
[ ${#inputs[@]} -gt 0 ] || { echo "bench-pst: give PST files or directories" >&2; exit 2; }

files=()
for i in "${inputs[@]}"; do
	if [ -d "$i" ]; then
		while IFS= read -r -d '' f; do files+=("$f"); done \
			< <(find "$i" -type f \( -iname '*.pst' -o -iname '*.ost' \) -print0 | sort -z)
	else
		files+=("$i")
	fi
done
[ ${#files[@]} -gt 0 ] || { echo "bench-pst: no PST found" >&2; exit 2; }
bytes=0
for f in "${files[@]}"; do bytes=$((bytes + $(stat -c %s "$f"))); done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }

t0=$(now)
for _ in $(seq "$rounds"); do
	# exit status 1/2 means findings/errors, not a failed run
	"$mailhunt" scan --all --format jsonl -o /dev/null "${files[@]}" || [ $? -le 2 ]
done
t1=$(now)
for _ in $(seq "$rounds"); do
	for f in "${files[@]}"; do
		out=$(mktemp -d -p "$work")
		readpst -S -D -q -j 0 -o "$out" "$f" >/dev/null
		rm -rf "$out"
	done
done
t2=$(now)

python3 - "$t0" "$t1" "$t2" "$rounds" "$bytes" "${#files[@]}" <<'EOF'
import json, sys
t0, t1, t2 = map(float, sys.argv[1:4])
rounds, size, n = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
mh, rp = (t1 - t0) / rounds, (t2 - t1) / rounds
print(f"mailhunt scan : {mh:.3f} s per round ({size / mh / 1e6:.1f} MB/s)")
print(f"readpst -S    : {rp:.3f} s per round ({size / rp / 1e6:.1f} MB/s)")
print(f"ratio mailhunt/readpst: {mh / rp:.2f}")
print(json.dumps({"files": n, "bytes": size, "rounds": rounds, "mailhunt_s": round(mh, 4),
                  "readpst_s": round(rp, 4), "ratio": round(mh / rp, 3)}))
EOF
