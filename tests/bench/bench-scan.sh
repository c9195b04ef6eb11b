#!/usr/bin/env bash
# Throughput and memory benchmark: mailhunt scan against clamscan on the
# same large, generated, harmless mbox.  See tests/bench/README.md.
#
#   tests/bench/bench-scan.sh [OPTIONS]
#
# Builds nothing.  Needs: bash, python3, GNU time (/usr/bin/time, Debian
# package "time"), clamscan (Debian package "clamav"; no freshclam, no
# network: the script writes its own one-signature database), about 3.5 GiB
# free in the work directory.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	cat <<EOF
Usage: $0 [OPTIONS]

  --mailhunt PATH     mailhunt binary (default: \$MAILHUNT, else
                      $here/../../mailhunt)
  --workdir DIR       where the mboxes go (default: a new temporary directory
                      under \${TMPDIR:-/tmp}, removed at exit)
  --sizes "A B"       mbox sizes in MiB for mailhunt (default: "1024 2048")
  --clamscan-size N   the size (MiB, one of --sizes) clamscan is also timed
                      on (default: the first size; clamscan cannot scan
                      files of 2 GiB or more)
  --no-clamscan       time mailhunt only
  --seed N            generator seed (default: the generator's)
  --report-devnull    give mailhunt "-o /dev/null" (its summary, with the
                      message count, is then not seen); by default the
                      report goes to a file in the work directory
  --timeout SECS      give up on one tool run after SECS (default 7200)
  --keep              keep the work directory and mboxes
  --install           apt-get install -y time clamav if they are missing
  -h, --help          this text

Prints a table and, as its last line, one JSON object with the figures.
EOF
}

mailhunt=${MAILHUNT:-$here/../../mailhunt}
workdir=
sizes="1024 2048"
clam_size=
run_clam=1
seed=
report_devnull=0
timeout_s=7200
keep=0
install=0

while [ $# -gt 0 ]; do
	case "$1" in
	--mailhunt) mailhunt=$2; shift 2 ;;
	--workdir) workdir=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--clamscan-size) clam_size=$2; shift 2 ;;
	--no-clamscan) run_clam=0; shift ;;
	--seed) seed=$2; shift 2 ;;
	--report-devnull) report_devnull=1; shift ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	--install) install=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "bench-scan: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
done
[ -n "$clam_size" ] || clam_size=${sizes%% *}

log() { printf 'bench-scan: %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }

# ------------------------------------------------------------ requirements
missing=()
command -v python3 >/dev/null || missing+=("python3 (package python3)")
/usr/bin/time -v true >/dev/null 2>&1 || missing+=("GNU time at /usr/bin/time (package time)")
if [ "$run_clam" = 1 ]; then
	command -v clamscan >/dev/null || missing+=("clamscan (package clamav)")
fi
command -v timeout >/dev/null || missing+=("timeout (package coreutils)")
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$install" = 1 ]; then
		log "installing: time clamav"
		apt-get install -y time clamav >&2 || { apt-get update >&2 && apt-get install -y time clamav >&2; }
	else
		for m in "${missing[@]}"; do log "missing: $m"; done
		die "install them (apt-get install -y time clamav) or rerun with --install"
	fi
fi
[ -x "$mailhunt" ] || die "no mailhunt binary at $mailhunt (build it, then pass --mailhunt PATH or set MAILHUNT)"
mailhunt=$(cd "$(dirname "$mailhunt")" && pwd)/$(basename "$mailhunt")

# ------------------------------------------------------------ work directory
made_workdir=0
if [ -z "$workdir" ]; then
	workdir=$(mktemp -d "${TMPDIR:-/tmp}/mailhunt-bench.XXXXXX")
	made_workdir=1
else
	mkdir -p "$workdir"
	workdir=$(cd "$workdir" && pwd)
fi
cleanup() {
	if [ "$keep" = 1 ]; then
		log "kept $workdir"
	elif [ "$made_workdir" = 1 ]; then
		rm -rf "$workdir"
	else
		rm -rf "$workdir"/bench-*.mbox "$workdir"/clamtmp "$workdir"/one-sig.ndb "$workdir"/canary.mbox
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need_mb=0
for s in $sizes; do [ "${s%.*}" -gt "$need_mb" ] && need_mb=${s%.*}; done
avail_mb=$(df -Pm "$workdir" | awk 'NR == 2 { print $4 }')
[ "$avail_mb" -gt $((need_mb + 512)) ] || die "$workdir has $avail_mb MiB free; need about $((need_mb + 512)) MiB"

# ------------------------------------------------------------ clamscan and timing
# tests/bench/bench-lib.sh: the one-signature database (a signature for a
# string the generators never write), its canary check, time_run.
. "$here/bench-lib.sh"
canary=$clam_canary
clam_opts=(--scan-mail=yes "${clam_common_opts[@]}")
if [ "$run_clam" = 1 ]; then
	mkdir -p "$workdir/clamtmp"
	clam_opts+=(--tempdir="$workdir/clamtmp")
	clam_canary_check "${clam_opts[@]}"
fi

gen_args=()
[ -n "$seed" ] && gen_args+=(--seed "$seed")

results="$workdir/results.jsonl"
: > "$results"

log "mailhunt: $mailhunt ($("$mailhunt" --version 2>/dev/null || echo '?'))"
[ "$run_clam" = 1 ] && log "clamscan: $(clamscan --version 2>/dev/null | head -1)"
log "work directory: $workdir"

for size in $sizes; do
	mbox="$workdir/bench-$size.mbox"
	stats="$workdir/gen-$size.json"
	log "generating $size MiB mbox ..."
	g0=$(date +%s.%N)
	python3 "$here/gen-mbox.py" --size-mb "$size" --out "$mbox" --stats "$stats" "${gen_args[@]}" >/dev/null
	g1=$(date +%s.%N)
	if LC_ALL=C grep -qF "$canary" "$mbox"; then
		die "the canary string occurs in the generated data; choose another"
	fi
	# the same warm page cache for both tools
	cat "$mbox" > /dev/null

	if [ "$report_devnull" = 1 ]; then report=/dev/null; else report="$workdir/report-$size.jsonl"; fi
	log "timing mailhunt on $size MiB ..."
	time_run "$workdir/mailhunt-$size" "$mailhunt" scan --format jsonl -o "$report" "$mbox"
	reported=null
	if [ "$report" != /dev/null ] && [ -s "$report" ]; then
		reported=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d.get("type") == "summary": print(d["messages"]); break
else: print("null")' "$report")
	fi
	report_lines=null
	[ "$report" != /dev/null ] && report_lines=$(wc -l < "$report")
	python3 - "$results" mailhunt "$size" "$mbox" "$stats" "$workdir/mailhunt-$size.res" \
		"$reported" "$report_lines" "$(python3 -c "print(round($g1 - $g0, 1))")" <<'EOF'
import json, os, sys
out, tool, size, mbox, stats, res, reported, lines, gen_s = sys.argv[1:10]
st = json.load(open(stats))
wall, user, sysc, rss, rc, load = open(res).read().split()
rec = {"tool": tool, "load_before": None if load == "null" else float(load), "size_mb": float(size), "bytes": os.path.getsize(mbox), "messages": st["messages"],
       "wall_s": float(wall), "user_s": float(user), "sys_s": float(sysc), "peak_rss_kb": int(rss),
       "exit": int(rc), "messages_reported": None if reported == "null" else int(reported),
       "report_lines": None if lines == "null" else int(lines),
       "generate_s": None if gen_s in ("null", "") else float(gen_s)}
open(out, "a").write(json.dumps(rec) + "\n")
EOF
	if [ "$run_clam" = 1 ] && [ "$size" = "$clam_size" ]; then
		log "timing clamscan on $size MiB ..."
		time_run "$workdir/clamscan-$size" clamscan "${clam_opts[@]}" "$mbox"
		exceeded=false
		grep -q 'Limits.Exceeded' "$workdir/clamscan-$size.out" && exceeded=true
		python3 - "$results" "$size" "$mbox" "$stats" "$workdir/clamscan-$size.res" "$exceeded" \
			"$workdir/clamscan-$size.out" <<'EOF'
import json, os, sys
out, size, mbox, stats, res, exceeded, cout = sys.argv[1:8]
st = json.load(open(stats))
wall, user, sysc, rss, rc, load = open(res).read().split()
rec = {"tool": "clamscan", "load_before": None if load == "null" else float(load), "size_mb": float(size), "bytes": os.path.getsize(mbox), "messages": st["messages"],
       "wall_s": float(wall), "user_s": float(user), "sys_s": float(sysc), "peak_rss_kb": int(rss),
       "exit": int(rc), "limits_exceeded": exceeded == "true",
       "output": open(cout, errors="replace").read().strip()[:300]}
open(out, "a").write(json.dumps(rec) + "\n")
EOF
	fi
	[ "$keep" = 1 ] || rm -f "$mbox"
	rm -rf "$workdir/clamtmp"/* 2>/dev/null || true
done

# ------------------------------------------------------------ report
python3 - "$results" "$clam_size" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
	"$("$mailhunt" --version 2>/dev/null || echo '?')" "$(clamscan --version 2>/dev/null | head -1 || echo '?')" <<'EOF'
import json, sys
path, clam_size, cpus, cpu, mh_ver, clam_ver = sys.argv[1:7]
recs = [json.loads(l) for l in open(path)]
MiB = 1024 * 1024
print()
hdr = ("tool", "size", "messages", "wall s", "MB/s", "msgs/s", "peak RSS", "user s", "sys s", "cpu", "load",
       "exit", "reported")
rows = []
for r in recs:
    r["mb_per_s"] = r["bytes"] / MiB / r["wall_s"] if r["wall_s"] > 0 else None
    r["messages_per_s"] = r["messages"] / r["wall_s"] if r["wall_s"] > 0 else None
    r["peak_rss_mb"] = r["peak_rss_kb"] / 1024
    # both tools scan on one thread: well below 1 CPU busy means it waited
    # (for another process on the machine, most likely)
    r["cpu_busy"] = (r["user_s"] + r["sys_s"]) / r["wall_s"] if r["wall_s"] > 0 else None
    rows.append((r["tool"], "%.0f MiB" % (r["bytes"] / MiB), str(r["messages"]), "%.1f" % r["wall_s"],
                 "%.1f" % (r["mb_per_s"] or 0), "%.0f" % (r["messages_per_s"] or 0),
                 "%.1f MiB" % r["peak_rss_mb"], "%.1f" % r["user_s"], "%.1f" % r["sys_s"],
                 "%.2f" % (r["cpu_busy"] or 0), "-" if r.get("load_before") is None else "%.2f" % r["load_before"],
                 str(r["exit"]),
                 "-" if r.get("messages_reported") is None else str(r["messages_reported"])))
w = [max(len(x[i]) for x in rows + [hdr]) for i in range(len(hdr))]
for row in [hdr] + rows:
    print("  ".join(c.rjust(w[i]) if i else c.ljust(w[i]) for i, c in enumerate(row)))
print()
summary = {"bench": "mailhunt-scan", "cpus": int(cpus), "cpu": cpu, "mailhunt_version": mh_ver,
           "clamscan_version": clam_ver, "runs": recs}
mh = {r["size_mb"]: r for r in recs if r["tool"] == "mailhunt"}
cl = [r for r in recs if r["tool"] == "clamscan"]
notes = []
for r in recs:
    if r["cpu_busy"] is not None and r["cpu_busy"] < 0.9:
        notes.append("%s at %.0f MiB kept a CPU busy only %.0f %% of its wall time (load average %s before it): "
                     "other work on the machine? its MB/s is then too low; rerun on a quiet machine"
                     % (r["tool"], r["size_mb"], r["cpu_busy"] * 100, r.get("load_before")))
for r in mh.values():
    if r.get("messages_reported") is not None:
        same = r["messages_reported"] == r["messages"]
        print("mailhunt at %.0f MiB: %d messages reported in its summary, %d generated: %s"
              % (r["size_mb"], r["messages_reported"], r["messages"], "same" if same else "MISMATCH"))
        if not same:
            notes.append("message count mismatch at %.0f MiB" % r["size_mb"])
    if r["exit"] not in (0, 1):
        notes.append("mailhunt exit %d at %.0f MiB" % (r["exit"], r["size_mb"]))
if cl:
    c = cl[0]
    m = mh.get(c["size_mb"])
    if c["limits_exceeded"]:
        notes.append("clamscan hit a scan limit (Heuristics.Limits.Exceeded): its figures are not valid")
    if c["exit"] != 0:
        notes.append("clamscan exit %d: %s" % (c["exit"], c["output"]))
    if m and c["mb_per_s"]:
        ratio = m["mb_per_s"] / c["mb_per_s"]
        summary["throughput_ratio_mailhunt_over_clamscan"] = round(ratio, 3)
        print("throughput ratio mailhunt/clamscan at %.0f MiB: %.2f" % (c["size_mb"], ratio))
sizes = sorted(mh)
if sizes:
    summary["mailhunt_peak_rss_mb"] = {"%.0f" % s: round(mh[s]["peak_rss_mb"], 1) for s in sizes}
    print("mailhunt peak RSS: " + ", ".join("%.1f MiB at %.0f MiB" % (mh[s]["peak_rss_mb"], s) for s in sizes))
    if len(sizes) > 1:
        a, b = mh[sizes[0]]["peak_rss_mb"], mh[sizes[-1]]["peak_rss_mb"]
        growth = (b - a) / a * 100 if a else 0
        summary["mailhunt_peak_rss_growth_pct"] = round(growth, 1)
        print("  growth from %.0f to %.0f MiB of mail: %+.1f %%" % (sizes[0], sizes[-1], growth))
for n in notes:
    print("NOTE: " + n)
summary["notes"] = notes
for r in recs:
    for k in ("mb_per_s", "messages_per_s", "peak_rss_mb", "cpu_busy", "wall_s", "user_s", "sys_s"):
        if r.get(k) is not None:
            r[k] = round(r[k], 2)
print()
print(json.dumps(summary, ensure_ascii=False, sort_keys=True))
EOF
