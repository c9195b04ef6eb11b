#!/usr/bin/env bash
# Office benchmark: `mailhunt doc` and `mailhunt scan` against
# `clamscan --alert-macros` on the same generated, harmless documents, and
# whether mailhunt's cost grows linearly with document size.  See
# tests/bench/README.md.
#
#   tests/bench/bench-office.sh [OPTIONS]
#
# Builds nothing.  Needs: bash, python3, GNU time (/usr/bin/time, Debian
# package "time"), clamscan (Debian package "clamav"; no freshclam, no
# network: the script writes its own one-signature database), the test
# program tests/gen-office of a build tree, about 1 GiB free.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	cat <<EOF
Usage: $0 [OPTIONS]

  --mailhunt PATH     mailhunt binary (default: \$MAILHUNT, else
                      $here/../../mailhunt)
  --gen-office PATH   the generator (default: tests/gen-office next to the
                      mailhunt binary, i.e. in the same build tree)
  --count N           documents in the set (default 1000)
  --seed N            generator seed (default 1)
  --keep DIR          work in DIR and keep it (the set, the reports, the
                      tools' output); by default a temporary directory under
                      \${TMPDIR:-/tmp} that is removed at exit
  --no-clamscan       time mailhunt only
  --no-scale          skip the linearity runs
  --rounds N          time each run of the scaling series N times and keep
                      the one with the fewest CPU seconds (default 3)
  --timeout SECS      give up on one tool run after SECS (default 3600)
  -h, --help          this text

Prints a table, the linearity figures and, as its last line, one JSON
object with the figures.
EOF
}

mailhunt=${MAILHUNT:-$here/../../mailhunt}
gen=
count=1000
seed=1
keepdir=
run_clam=1
run_scale=1
rounds=3
timeout_s=3600

while [ $# -gt 0 ]; do
	case "$1" in
	--mailhunt) mailhunt=$2; shift 2 ;;
	--gen-office) gen=$2; shift 2 ;;
	--count) count=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--keep) keepdir=$2; shift 2 ;;
	--no-clamscan) run_clam=0; shift ;;
	--no-scale) run_scale=0; shift ;;
	--rounds) rounds=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "bench-office: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
done

log() { printf 'bench-office: %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }

case "$count" in ''|*[!0-9]*) die "--count wants a number" ;; esac
case "$seed" in ''|*[!0-9]*) die "--seed wants a number" ;; esac
case "$rounds" in ''|0|*[!0-9]*) die "--rounds wants a number from 1" ;; esac

# ------------------------------------------------------------ requirements
missing=()
command -v python3 >/dev/null || missing+=("python3 (package python3)")
/usr/bin/time -v true >/dev/null 2>&1 || missing+=("GNU time at /usr/bin/time (package time)")
if [ "$run_clam" = 1 ]; then
	command -v clamscan >/dev/null || missing+=("clamscan (package clamav)")
fi
command -v timeout >/dev/null || missing+=("timeout (package coreutils)")
if [ ${#missing[@]} -gt 0 ]; then
	for m in "${missing[@]}"; do log "missing: $m"; done
	die "install them (apt-get install -y time clamav)"
fi
[ -x "$mailhunt" ] || die "no mailhunt binary at $mailhunt (build it, then pass --mailhunt PATH or set MAILHUNT)"
mailhunt=$(cd "$(dirname "$mailhunt")" && pwd)/$(basename "$mailhunt")
[ -n "$gen" ] || gen=$(dirname "$mailhunt")/tests/gen-office
[ -x "$gen" ] || die "no generator at $gen (make tests/gen-office in the build tree, or pass --gen-office PATH)"

# ------------------------------------------------------------ work directory
if [ -n "$keepdir" ]; then
	mkdir -p "$keepdir"
	workdir=$(cd "$keepdir" && pwd)
	[ -z "$(ls -A "$workdir")" ] || die "$workdir is not empty"
else
	workdir=$(mktemp -d "${TMPDIR:-/tmp}/mailhunt-bench-office.XXXXXX")
fi
cleanup() {
	if [ -n "$keepdir" ]; then
		log "kept $workdir"
	else
		rm -rf "$workdir"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the set is about 0.18 MiB per document, the mbox 1.36 times that, the
# scaling series 75 MiB
need_mb=$((count * 45 / 100 + 150))
avail_mb=$(df -Pm "$workdir" | awk 'NR == 2 { print $4 }')
[ "$avail_mb" -gt "$need_mb" ] || die "$workdir has $avail_mb MiB free; need about $need_mb MiB"

set_dir="$workdir/set"
log "mailhunt: $mailhunt ($("$mailhunt" --version 2>/dev/null || echo '?'))"
[ "$run_clam" = 1 ] && log "clamscan: $(clamscan --version 2>/dev/null | head -1)"
log "work directory: $workdir"
log "generating $count documents and their mbox (seed $seed) ..."
g0=$(date +%s.%N)
"$gen" --bench "$set_dir" "$count" --seed "$seed" > "$workdir/gen.json"
g1=$(date +%s.%N)
gen_s=$(python3 -c "print(round($g1 - $g0, 1))")
# the same warm page cache for every run
cat "$set_dir"/docs/* "$set_dir/docs.mbox" "$set_dir"/scale/* > /dev/null

# ------------------------------------------------------------ clamscan and timing
# tests/bench/bench-lib.sh: the one-signature database (a signature for a
# string the generators never write), its canary check, time_run.
. "$here/bench-lib.sh"
canary=$clam_canary
clam_opts=(--alert-macros "${clam_common_opts[@]}")
if [ "$run_clam" = 1 ]; then
	if LC_ALL=C grep -rqF "$canary" "$set_dir"; then
		die "the canary string occurs in the generated data; choose another"
	fi
	mkdir -p "$workdir/clamtmp"
	clam_opts+=(--tempdir="$workdir/clamtmp")
	clam_canary_check "${clam_opts[@]}" --scan-mail=yes
fi

results="$workdir/results.jsonl"
: > "$results"

# record TOOL INPUT LOG BYTES DOCUMENTS [REPORT]: one line of results.jsonl
record() {
	python3 - "$results" "$@" <<'EOF'
import json, sys
out, tool, what, log, nbytes, ndocs = sys.argv[1:7]
report = sys.argv[7] if len(sys.argv) > 7 else ""
wall, user, sysc, rss, rc, load = open(log + ".res").read().split()
rec = {"tool": tool, "input": what, "bytes": int(nbytes), "documents": int(ndocs),
       "wall_s": float(wall), "user_s": float(user), "sys_s": float(sysc), "peak_rss_kb": int(rss),
       "exit": int(rc), "load_before": None if load == "null" else float(load)}
if report:
    rec["summary"] = None
    try:
        for line in open(report):
            d = json.loads(line)
            if d.get("type") == "summary":
                rec["summary"] = {"messages": d.get("messages"), "documents": d.get("documents"),
                                  "errors": d.get("errors_total"), "skipped": d.get("skipped_total")}
    except (OSError, ValueError) as e:
        rec["summary_error"] = str(e)
else:
    text = open(log + ".out", errors="replace").read()
    err = open(log + ".err", errors="replace").read()
    rec["macro_alerts"] = text.count("Heuristics.OLE2.ContainsMacros")
    rec["limits_exceeded"] = "Limits.Exceeded" in text
    rec["iconv_warnings"] = err.count("cli_codepage_to_utf8: iconv error")
    rec["output"] = text.strip()[:300]
open(out, "a").write(json.dumps(rec) + "\n")
EOF
}

docs_bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes"])' "$workdir/gen.json")
mbox_bytes=$(stat -c %s "$set_dir/docs.mbox")

# ------------------------------------------------------------ the set: documents, then the mbox
log "timing mailhunt doc on $count documents ..."
time_run "$workdir/mailhunt-docs" "$mailhunt" doc --format jsonl -o "$workdir/report-docs.jsonl" "$set_dir/docs/"
record mailhunt docs "$workdir/mailhunt-docs" "$docs_bytes" "$count" "$workdir/report-docs.jsonl"
if [ "$run_clam" = 1 ]; then
	log "timing clamscan --alert-macros -r on $count documents ..."
	time_run "$workdir/clamscan-docs" clamscan "${clam_opts[@]}" -r "$set_dir/docs/"
	record clamscan docs "$workdir/clamscan-docs" "$docs_bytes" "$count"
	rm -rf "$workdir/clamtmp"/* 2>/dev/null || true
fi
log "timing mailhunt scan on the mbox ..."
time_run "$workdir/mailhunt-mbox" "$mailhunt" scan --format jsonl -o "$workdir/report-mbox.jsonl" "$set_dir/docs.mbox"
record mailhunt mbox "$workdir/mailhunt-mbox" "$mbox_bytes" "$count" "$workdir/report-mbox.jsonl"
if [ "$run_clam" = 1 ]; then
	log "timing clamscan --alert-macros on the mbox ..."
	time_run "$workdir/clamscan-mbox" clamscan "${clam_opts[@]}" --scan-mail=yes "$set_dir/docs.mbox"
	record clamscan mbox "$workdir/clamscan-mbox" "$mbox_bytes" "$count"
	rm -rf "$workdir/clamtmp"/* 2>/dev/null || true
fi

# ------------------------------------------------------------ linearity
# (1) the set by size class, one mailhunt run per class; (2) the scaling
# series: each document at x1, x4, x16, ... of 128 KiB, alone, then given
# 1 + LARGEST/x times on the command line: the difference is LARGEST/x
# copies, the same bytes for every document of a series, without
# start-up.
if [ "$run_scale" = 1 ]; then
	python3 - "$set_dir/docs.tsv" "$workdir" <<'EOF'
import csv, sys
classes = {"small": [], "medium": [], "large": []}
for r in csv.DictReader(open(sys.argv[1]), delimiter="\t"):
    b = int(r["bytes"])
    c = "small" if b < 100 << 10 else "medium" if b < 1 << 20 else "large"
    classes[c].append((r["file"], b))
for c, files in classes.items():
    with open(f"{sys.argv[2]}/class-{c}.list", "w") as f:
        for name, b in files:
            f.write(f"{name}\t{b}\n")
EOF
	for c in small medium large; do
		list="$workdir/class-$c.list"
		n=$(wc -l < "$list")
		[ "$n" -gt 0 ] || continue
		bytes=$(awk -F'\t' '{ s += $2 } END { print s }' "$list")
		files=()
		while IFS=$'\t' read -r f _; do files+=("$set_dir/$f"); done < "$list"
		log "timing mailhunt doc on the $c documents ($n) ..."
		time_run "$workdir/class-$c" "$mailhunt" doc --format jsonl -o "$workdir/report-class-$c.jsonl" "${files[@]}"
		record mailhunt "class-$c" "$workdir/class-$c" "$bytes" "$n" "$workdir/report-class-$c.jsonl"
	done
	# the largest multiple of each series
	declare -A largest=()
	for f in "$set_dir"/scale/*; do
		base=$(basename "$f")
		factor=${base##*-x}
		factor=${factor%%.*}
		series=${base%-x*}
		[ "${largest[$series]:-0}" -ge "$factor" ] || largest[$series]=$factor
	done
	for f in "$set_dir"/scale/*; do
		base=$(basename "$f")
		factor=${base##*-x}
		factor=${factor%%.*}
		size=$(stat -c %s "$f")
		log "timing mailhunt doc on $base alone ..."
		time_best "$workdir/alone-$base" "$rounds" "$mailhunt" doc --format jsonl -o "$workdir/report-alone-$base.jsonl" "$f"
		record mailhunt "alone/$base" "$workdir/alone-$base" "$size" 1 "$workdir/report-alone-$base.jsonl"
		# once more, then LARGEST/x times: what the extra copies cost is
		# the cost of the document without start-up and without the
		# first touch of its memory
		repeat=$((${largest[${base%-x*}]} / factor + 1))
		files=()
		for _ in $(seq "$repeat"); do files+=("$f"); done
		log "timing mailhunt doc on $base x $repeat ..."
		time_best "$workdir/scale-$base" "$rounds" "$mailhunt" doc --format jsonl -o "$workdir/report-scale-$base.jsonl" "${files[@]}"
		record mailhunt "scale/$base" "$workdir/scale-$base" $((size * repeat)) "$repeat" "$workdir/report-scale-$base.jsonl"
	done
fi

# ------------------------------------------------------------ report
python3 - "$results" "$workdir/gen.json" "$gen_s" "$(nproc)" \
	"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
	"$("$mailhunt" --version 2>/dev/null || echo '?')" "$(clamscan --version 2>/dev/null | head -1 || echo '?')" <<'EOF'
import json, re, sys
path, gen_path, gen_s, cpus, cpu, mh_ver, clam_ver = sys.argv[1:8]
recs = [json.loads(l) for l in open(path)]
gen = json.load(open(gen_path))
MiB = 1024 * 1024
notes = []
starved = []
for r in recs:
    w = r["wall_s"]
    r["mb"] = r["bytes"] / MiB
    r["mb_per_s"] = r["mb"] / w if w > 0 else None
    r["documents_per_s"] = r["documents"] / w if w > 0 else None
    r["cpu_s"] = r["user_s"] + r["sys_s"]
    r["cpu_busy"] = r["cpu_s"] / w if w > 0 else None
    r["s_per_mb"] = w / r["mb"] if r["mb"] else None
    r["cpu_s_per_mb"] = r["cpu_s"] / r["mb"] if r["mb"] else None
    r["peak_rss_mb"] = r["peak_rss_kb"] / 1024
    # both tools scan on one thread: well below 1 CPU busy means it waited
    # (for another process on the machine, most likely)
    # (runs under half a second are mostly start-up and GNU time's 0.01 s
    # steps: not judged)
    if r["cpu_busy"] is not None and r["cpu_busy"] < 0.9 and w >= 0.5:
        starved.append(r)
if starved:
    worst = min(starved, key=lambda r: r["cpu_busy"])
    loads = [r["load_before"] for r in starved if r["load_before"] is not None]
    notes.append("%d of %d runs kept a CPU busy less than 90 %% of their wall time (the least: %s on %s, %.0f %%; "
                 "load average before them %s to %s): other work on the machine, so their wall-clock figures "
                 "(MB/s, s/MiB) are too slow; compare CPU seconds, or rerun on a quiet machine"
                 % (len(starved), len(recs), worst["tool"], worst["input"], worst["cpu_busy"] * 100,
                    min(loads) if loads else "?", max(loads) if loads else "?"))

def table(rows, hdr):
    w = [max(len(x[i]) for x in rows + [hdr]) for i in range(len(hdr))]
    for row in [hdr] + rows:
        print("  ".join(c.rjust(w[i]) if i else c.ljust(w[i]) for i, c in enumerate(row)))

def reported(r):
    s = r.get("summary")
    if not s or not s.get("documents"):
        return "-"
    return str(s["documents"]["total"])

print()
print("set: %d documents, %.1f MiB (%.1f KiB to %.1f MiB), %d with macros; mbox %.1f MiB; generated in %s s"
      % (gen["documents"], gen["bytes"] / MiB, gen["smallest"] / 1024, gen["largest"] / MiB,
         gen["macro_documents"], gen["mbox_bytes"] / MiB, gen_s))
print()
main = [r for r in recs if r["input"] in ("docs", "mbox")]
hdr = ("tool", "input", "docs", "MiB", "wall s", "MB/s", "docs/s", "peak RSS", "user s", "sys s", "cpu", "load",
       "exit", "reported")
table([(r["tool"], r["input"], str(r["documents"]), "%.1f" % r["mb"], "%.1f" % r["wall_s"],
        "%.1f" % (r["mb_per_s"] or 0), "%.1f" % (r["documents_per_s"] or 0), "%.1f MiB" % r["peak_rss_mb"],
        "%.1f" % r["user_s"], "%.1f" % r["sys_s"], "%.2f" % (r["cpu_busy"] or 0),
        "-" if r["load_before"] is None else "%.2f" % r["load_before"], str(r["exit"]),
        reported(r) if r["tool"] == "mailhunt" else "-") for r in main], hdr)
print()

summary = {"bench": "mailhunt-office", "cpus": int(cpus), "cpu": cpu, "mailhunt_version": mh_ver,
           "clamscan_version": clam_ver, "set": gen, "generate_s": float(gen_s), "runs": recs}
ratios = {}
for what in ("docs", "mbox"):
    m = next((r for r in main if r["tool"] == "mailhunt" and r["input"] == what), None)
    c = next((r for r in main if r["tool"] == "clamscan" and r["input"] == what), None)
    if m:
        s = m.get("summary") or {}
        docs = (s.get("documents") or {}).get("total")
        same = docs == gen["documents"]
        line = "mailhunt on %s: %s documents in its summary, %d generated: %s" % (
            what, docs, gen["documents"], "same" if same else "MISMATCH")
        if what == "mbox":
            line += "; %s messages" % s.get("messages")
            if s.get("messages") != gen["messages"]:
                notes.append("mbox: %s messages reported, %d generated" % (s.get("messages"), gen["messages"]))
        print(line)
        if not same:
            notes.append("document count mismatch on %s" % what)
        d = s.get("documents") or {}
        if d and (d.get("suspicious") != gen["expected_suspicious"] or d.get("clean") != gen["expected_clean"]):
            notes.append("verdicts on %s: %s suspicious and %s clean, %d and %d expected" % (
                what, d.get("suspicious"), d.get("clean"), gen["expected_suspicious"], gen["expected_clean"]))
        if m["exit"] not in (0, 1):
            notes.append("mailhunt exit %d on %s" % (m["exit"], what))
        if s.get("errors"):
            notes.append("mailhunt reported %s read errors on %s" % (s.get("errors"), what))
    if c:
        if c["limits_exceeded"]:
            notes.append("clamscan hit a scan limit on %s (Heuristics.Limits.Exceeded): its figures are not valid" % what)
        if c["exit"] not in (0, 1):
            notes.append("clamscan exit %d on %s: %s" % (c["exit"], what, c["output"]))
        if what == "docs":
            print("clamscan on docs: %d documents reported Heuristics.OLE2.ContainsMacros, %d have macros: %s"
                  % (c["macro_alerts"], gen["macro_documents"],
                     "same" if c["macro_alerts"] == gen["macro_documents"] else "MISMATCH"))
            if c["macro_alerts"] != gen["macro_documents"]:
                notes.append("clamscan flagged %d documents for macros, %d have macros"
                             % (c["macro_alerts"], gen["macro_documents"]))
        if c["iconv_warnings"]:
            notes.append("clamscan on %s: %d 'cli_codepage_to_utf8: iconv error' warnings: libclamav failed to "
                         "decode some of the larger VBA modules (all ASCII; mailhunt and tests/office-samples.py's "
                         "independent reader read them whole), so it did less work than mailhunt there"
                         % (what, c["iconv_warnings"]))
    if m and c and m["mb_per_s"] and c["mb_per_s"]:
        ratios[what] = {"throughput_mailhunt_over_clamscan": round(m["mb_per_s"] / c["mb_per_s"], 3),
                        "cpu_s_clamscan_over_mailhunt": round(c["cpu_s"] / m["cpu_s"], 3) if m["cpu_s"] else None,
                        "peak_rss_mailhunt_over_clamscan": round(m["peak_rss_kb"] / c["peak_rss_kb"], 3)
                        if c["peak_rss_kb"] else None}
        print("ratio on %s: throughput mailhunt/clamscan %.2f (wall clock); CPU seconds clamscan/mailhunt %.2f; "
              "peak RSS mailhunt/clamscan %.2f" % (what, ratios[what]["throughput_mailhunt_over_clamscan"],
                                                   ratios[what]["cpu_s_clamscan_over_mailhunt"] or 0,
                                                   ratios[what]["peak_rss_mailhunt_over_clamscan"] or 0))
summary["ratios"] = ratios

def lin_key(r):
    m = re.match(r"(scale|alone)/(.*)-x(\d+)\.\w+$", r["input"])
    if m:
        return (1, m.group(2), int(m.group(3)), m.group(1))
    return (0, ["class-small", "class-medium", "class-large"].index(r["input"]), 0, "")
lin = sorted((r for r in recs if r["input"].startswith(("class-", "scale/", "alone/"))), key=lin_key)
if lin:
    for r in lin:
        s = r.get("summary") or {}
        got = (s.get("documents") or {}).get("total")
        if got != r["documents"]:
            notes.append("%s: %s documents reported, %d given" % (r["input"], got, r["documents"]))
    classes = [r for r in lin if r["input"].startswith("class-")]
    print()
    print("linearity: mailhunt doc on the set by size class")
    hdr = ("input", "docs", "MiB", "wall s", "s/MiB", "cpu s", "cpu s/MiB", "peak RSS", "cpu", "reported")
    table([(r["input"], str(r["documents"]), "%.1f" % r["mb"], "%.2f" % r["wall_s"], "%.3f" % r["s_per_mb"],
            "%.2f" % r["cpu_s"], "%.3f" % r["cpu_s_per_mb"], "%.1f MiB" % r["peak_rss_mb"],
            "%.2f" % (r["cpu_busy"] or 0), reported(r)) for r in classes], hdr)
    # the scaling series: "alone" is one process, one copy (start-up and
    # the first touch of its memory included); "copies" are the extra
    # copies of the repeated run (repeated run minus alone)
    series = {}
    by_input = {r["input"]: r for r in lin}
    for r in lin:
        m = re.match(r"scale/(.*)-x(\d+)\.\w+$", r["input"])
        if not m:
            continue
        alone = by_input.get("alone/" + r["input"][6:])
        if not alone:
            continue
        copies = r["documents"] - 1
        extra_cpu = r["cpu_s"] - alone["cpu_s"]
        extra_mb = r["mb"] - alone["mb"]
        row = {"factor": int(m.group(2)), "bytes": alone["bytes"], "alone_cpu_s": round(alone["cpu_s"], 3),
               "alone_cpu_s_per_mb": round(alone["cpu_s_per_mb"], 4),
               "alone_peak_rss_mb": round(alone["peak_rss_mb"], 1), "copies": copies,
               "copies_cpu_s": round(extra_cpu, 3),
               "copies_cpu_s_per_mb": round(extra_cpu / extra_mb, 4) if extra_mb > 0 else None}
        series.setdefault(m.group(1), []).append(row)
    print()
    print("linearity: mailhunt doc on the scaling series, CPU seconds per MiB; flat means linear")
    print("  alone: one process, one copy (start-up and first touch of its memory included)")
    print("  copies: the extra copies of a run with 1 + N copies, less the run alone")
    hdr = ("document", "KiB", "alone cpu s", "alone s/MiB", "alone RSS", "copies", "copies cpu s", "copies s/MiB")
    rows = []
    for name, runs in sorted(series.items()):
        runs.sort(key=lambda x: x["factor"])
        for x in runs:
            rows.append(("%s-x%d" % (name, x["factor"]), "%.0f" % (x["bytes"] / 1024), "%.2f" % x["alone_cpu_s"],
                         "%.3f" % x["alone_cpu_s_per_mb"], "%.1f MiB" % x["alone_peak_rss_mb"], str(x["copies"]),
                         "%.2f" % x["copies_cpu_s"],
                         "-" if x["copies_cpu_s_per_mb"] is None else "%.3f" % x["copies_cpu_s_per_mb"]))
    table(rows, hdr)
    lin_summary = {"classes": {r["input"][6:]: {"cpu_s_per_mb": round(r["cpu_s_per_mb"], 4),
                                                "wall_s_per_mb": round(r["s_per_mb"], 4)} for r in classes},
                   "scale": {}}
    for name, runs in sorted(series.items()):
        per_mb = [x["copies_cpu_s_per_mb"] for x in runs]
        first, top, last = per_mb[0], per_mb[-2] if len(per_mb) > 1 else per_mb[0], per_mb[-1]
        growth = last / first if first and last else None
        growth_top = last / top if top and last else None
        # the alone runs of 2 MiB and more, where start-up is small
        big = [x for x in runs if x["bytes"] >= 2 << 20]
        alone_growth = big[-1]["alone_cpu_s_per_mb"] / big[0]["alone_cpu_s_per_mb"] \
            if len(big) > 1 and big[0]["alone_cpu_s_per_mb"] else None
        lin_summary["scale"][name] = {"runs": runs,
                                      "copies_cpu_s_per_mb_growth": round(growth, 3) if growth else None,
                                      "copies_cpu_s_per_mb_growth_last_step": round(growth_top, 3)
                                      if growth_top else None,
                                      "alone_cpu_s_per_mb_growth_from_2mib": round(alone_growth, 3)
                                      if alone_growth else None}
        print("%s: copies' CPU s/MiB from x%d to x%d: %s (x%.2f; last step x%.2f); alone, from x%d: %s" % (
            name, runs[0]["factor"], runs[-1]["factor"],
            " -> ".join("%.3f" % (v or 0) for v in per_mb), growth or 0, growth_top or 0,
            big[0]["factor"] if big else 0, " -> ".join("%.3f" % x["alone_cpu_s_per_mb"] for x in big)))
        # Linear cost means flat seconds per MiB.  Two measures: the copies
        # (no start-up, but memory a previous copy freed may be reused) and
        # the documents alone from 2 MiB up (each pays the first touch of
        # its memory).  Both growing over 1.5 times at the top means the
        # cost per byte grows with the size; one alone is a memory effect
        # (README: "Why large documents cost more per MiB").
        top_grows = bool(growth_top and growth_top > 1.5)
        alone_grows = bool(alone_growth and alone_growth > 1.5)
        if top_grows and alone_grows:
            notes.append("%s: CPU seconds per MiB grow %.2f times from x%d to x%d (copies) and %.2f times from x%d "
                         "to x%d (alone): NOT linear" % (name, growth_top, runs[-2]["factor"], runs[-1]["factor"],
                                                         alone_growth, big[0]["factor"], big[-1]["factor"]))
        elif top_grows or alone_grows:
            notes.append("%s: CPU seconds per MiB grow %.2f times from x%d to x%d (copies) but %.2f times from x%d "
                         "to x%d (alone): memory (fresh pages, copies of growing buffers), not a cost that grows "
                         "with the size" % (name, growth_top or 0, runs[-2]["factor"], runs[-1]["factor"],
                                            alone_growth or 0, big[0]["factor"] if big else 0,
                                            big[-1]["factor"] if big else 0))
        elif growth and growth > 1.5:
            notes.append("%s: CPU seconds per MiB are %.2f times higher at x%d than at x%d (copies), but flat at "
                         "the top: a step between the small and the large sizes (memory), then linear"
                         % (name, growth, runs[-1]["factor"], runs[0]["factor"]))
    summary["linearity"] = lin_summary
for n in notes:
    print("NOTE: " + n)
summary["notes"] = notes
for r in recs:
    for k in ("mb", "mb_per_s", "documents_per_s", "peak_rss_mb", "cpu_busy", "wall_s", "user_s", "sys_s", "cpu_s",
              "s_per_mb", "cpu_s_per_mb"):
        if r.get(k) is not None:
            r[k] = round(r[k], 3)
print()
print(json.dumps(summary, ensure_ascii=False, sort_keys=True))
EOF
