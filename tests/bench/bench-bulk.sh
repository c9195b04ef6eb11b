#!/usr/bin/env bash
# Bulk scanning benchmark (issue 7): mailhunt scan against
# clamscan --scan-mail --alert-macros, and against a bare GMime parse, on a
# generated quarantine folder, a generated large mbox and a folder of Office
# documents, in the same run.  See tests/bench/README.md.
#
#   tests/bench/bench-bulk.sh [OPTIONS]
#
# Builds nothing.  Needs: bash, python3, GNU time (/usr/bin/time), clamscan
# (unless --no-clamscan), timeout, and from a build tree: mailhunt,
# tests/bench/gmime-parse (`make check` builds it) and, for varied Office
# documents, tests/gen-office.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	cat <<EOF
Usage: $0 [OPTIONS]

  --mailhunt PATH       mailhunt binary (default: \$MAILHUNT, else
                        $here/../../mailhunt)
  --gmime-parse PATH    the ceiling program (default: tests/bench/gmime-parse
                        next to the mailhunt binary)
  --gen-office PATH     generator of the Office documents (default:
                        tests/gen-office next to the mailhunt binary; without
                        it, copies of the repository's samples are used)
  --count N             .eml files in the quarantine folder (default 50000)
  --mbox-mb N           the large mbox, in MiB (default 2040: the largest
                        that clamscan can read, which stops at 2 GiB - 1)
  --small-mbox-mb N     the smaller mbox for the memory check (default 512;
                        0: none); it is also scanned four times over, in
                        one file, by the workers (the same messages at four
                        times the size: is a worker's memory flat?)
  --docs M              Office documents in the folder (default 2000)
  --jobs-list "1 2"     mailhunt --jobs values to time (default "1 2"; used
                        only when \`mailhunt scan --help\` lists --jobs)
  --rounds N            time each run N times and keep the one with the
                        fewest CPU seconds (default 1)
  --timeout SECS        give up on one run after SECS (default 7200)
  --no-clamscan         time mailhunt and GMime only
  --clam-cache          let clamscan keep its cache of clean files' hashes
                        (by default --disable-cache: the generated inputs
                        repeat attachment bytes, real campaigns do not)
  --mailhunt-args "A"   extra arguments for every mailhunt run (e.g.
                        "--ocr none")
  --report-devnull      give mailhunt "-o /dev/null" as is; by default the
                        report goes to a file so that its summary (counts,
                        OCR seconds) can be read
  --seed N              seed of the generators (default: theirs)
  --keep DIR            work in DIR (must be empty or new) and keep it
  -h, --help            this text

Prints a table and, as its last line, one JSON object with all figures.
EOF
}

mailhunt=${MAILHUNT:-$here/../../mailhunt}
gmime_parse=
gen_office=
count=50000
mbox_mb=2040
small_mb=512
docs=2000
jobs_list="1 2"
rounds=1
timeout_s=7200
run_clam=1
clam_cache=0
mh_extra=""
report_devnull=0
seed=
keepdir=

while [ $# -gt 0 ]; do
	case "$1" in
	--mailhunt) mailhunt=$2; shift 2 ;;
	--gmime-parse) gmime_parse=$2; shift 2 ;;
	--gen-office) gen_office=$2; shift 2 ;;
	--count) count=$2; shift 2 ;;
	--mbox-mb) mbox_mb=$2; shift 2 ;;
	--small-mbox-mb) small_mb=$2; shift 2 ;;
	--docs) docs=$2; shift 2 ;;
	--jobs-list) jobs_list=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--no-clamscan) run_clam=0; shift ;;
	--clam-cache) clam_cache=1; shift ;;
	--mailhunt-args) mh_extra=$2; shift 2 ;;
	--report-devnull) report_devnull=1; shift ;;
	--seed) seed=$2; shift 2 ;;
	--keep) keepdir=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "bench-bulk: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
done

log() { printf 'bench-bulk: %s [%s, load %s]\n' "$*" "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1 /proc/loadavg)" >&2; }
die() { printf 'bench-bulk: %s\n' "$*" >&2; exit 2; }

isnum() { case "$1" in ''|*[!0-9]*) return 1 ;; esac; }
isnum "$count" || die "--count wants a number"
isnum "$mbox_mb" && [ "$mbox_mb" -gt 0 ] || die "--mbox-mb wants a number of MiB from 1"
isnum "$small_mb" || die "--small-mbox-mb wants a number of MiB"
isnum "$docs" || die "--docs wants a number"
[ "$docs" -le 99999 ] || die "--docs: at most 99999"
isnum "$rounds" && [ "$rounds" -gt 0 ] || die "--rounds wants a number from 1"
isnum "$timeout_s" || die "--timeout wants seconds"
for j in $jobs_list; do isnum "$j" && [ "$j" -gt 0 ] || die "--jobs-list wants numbers from 1"; done
[ -z "$seed" ] || isnum "$seed" || die "--seed wants a number"
[ "$small_mb" -lt "$mbox_mb" ] || small_mb=0

# ------------------------------------------------------------ requirements
command -v python3 >/dev/null || die "missing python3"
/usr/bin/time -v true >/dev/null 2>&1 || die "missing GNU time at /usr/bin/time (apt-get install -y time)"
command -v timeout >/dev/null || die "missing timeout (coreutils)"
if [ "$run_clam" = 1 ]; then
	command -v clamscan >/dev/null || die "missing clamscan (apt-get install -y clamav), or use --no-clamscan"
fi
[ -x "$mailhunt" ] || die "no mailhunt binary at $mailhunt (build it, then pass --mailhunt PATH)"
mailhunt=$(cd "$(dirname "$mailhunt")" && pwd)/$(basename "$mailhunt")
builddir=$(dirname "$mailhunt")
[ -n "$gmime_parse" ] || gmime_parse=$builddir/tests/bench/gmime-parse
[ -x "$gmime_parse" ] || die "no $gmime_parse: run \`make check\` or \`make tests/bench/gmime-parse\` in the build tree, or pass --gmime-parse"
[ -n "$gen_office" ] || gen_office=$builddir/tests/gen-office
cache_probe=$builddir/tests/bench/cache-probe
probe_steps=400000000   # about 0.6 s alone
[ -x "$cache_probe" ] || log "no $cache_probe: the cores on offer are not probed"
docs_source=gen-office
if [ ! -x "$gen_office" ]; then
	docs_source=sample-copies
	log "no $gen_office: the Office folder will hold identical copies of the repository's samples"
fi

# --jobs: only when this mailhunt has it
if "$mailhunt" scan --help 2>&1 | grep -q -- '--jobs'; then
	have_jobs=1
else
	have_jobs=0
	jobs_list=0       # 0: a plain scan, without --jobs
	log "mailhunt scan has no --jobs option yet: timing the plain scan once per input"
fi

# ------------------------------------------------------------ work directory
if [ -n "$keepdir" ]; then
	mkdir -p "$keepdir"
	workdir=$(cd "$keepdir" && pwd)
	[ -z "$(ls -A "$workdir")" ] || die "$workdir is not empty"
else
	workdir=$(mktemp -d "${TMPDIR:-/tmp}/mailhunt-bench-bulk.XXXXXX")
fi
cleanup() { if [ -n "$keepdir" ]; then log "kept $workdir"; else rm -rf "$workdir"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# about 19 KB a quarantined mail, 0.45 MiB a generated document (with the
# generator's own mbox of them until it is deleted), the two mboxes
need_mb=$((count * 19 / 1024 + docs * 9 / 20 + 80 + mbox_mb + small_mb * 5 + 512))
avail_mb=$(df -Pm "$workdir" | awk 'NR == 2 { print $4 }')
[ "$avail_mb" -gt "$need_mb" ] || die "$workdir has $avail_mb MiB free; need about $need_mb MiB"

# bench-lib.sh: the one-signature database and its canary check, time_run,
# time_best (they need $workdir and $timeout_s)
. "$here/bench-lib.sh"
# --max-scansize counts everything scanned for one container, the mbox itself
# and every decoded part: 4095M (bench-lib.sh) is exceeded by a 2 GiB mbox,
# so four times the largest input, at least 4095M
scansize_mb=$((mbox_mb * 4 > 4095 ? mbox_mb * 4 : 4095))
clam_opts=(--scan-mail=yes --alert-macros=yes)
for o in "${clam_common_opts[@]}"; do
	case "$o" in
	--max-scansize=*) clam_opts+=("--max-scansize=${scansize_mb}M") ;;
	*) clam_opts+=("$o") ;;
	esac
done
clam_opts+=(
	--max-embeddedpe=4095M --max-htmlnormalize=4095M --max-htmlnotags=4095M
	--max-scriptnormalize=4095M --max-ziptypercg=4095M --max-dir-recursion=255
	--tempdir="$workdir/clamtmp")
[ "$clam_cache" = 1 ] || clam_opts+=(--disable-cache)
mkdir -p "$workdir/clamtmp"
if [ "$run_clam" = 1 ]; then
	clam_canary_check "${clam_opts[@]}"
fi

read -r -a mh_extra_args <<< "$mh_extra"
seed_args=()
[ -n "$seed" ] && seed_args=(--seed "$seed")

results="$workdir/results.jsonl"
: > "$results"
log "mailhunt: $mailhunt ($("$mailhunt" --version 2>/dev/null || echo '?'))"
log "work directory: $workdir"

# ------------------------------------------------------------ the inputs
qdir="$workdir/quarantine"
log "generating the quarantine folder: $count files ..."
g0=$(date +%s)
python3 "$here/gen-quarantine.py" --out "$qdir" --count "$count" "${seed_args[@]}" \
	--stats "$workdir/gen-quarantine.json" > /dev/null
log "  done in $(($(date +%s) - g0)) s"

log "generating the Office folder: $docs documents ($docs_source) ..."
g0=$(date +%s)
if [ "$docs_source" = gen-office ]; then
	"$gen_office" --bench "$workdir/office" "$docs" --seed "${seed:-1}" > "$workdir/gen-office.json"
	# only the documents are used here
	rm -rf "$workdir/office/docs.mbox" "$workdir/office/scale"
	ddir="$workdir/office/docs"
else
	ddir="$workdir/docs"
	python3 "$here/gen-quarantine.py" --docs-out "$ddir" --docs "$docs" "${seed_args[@]}" \
		> "$workdir/gen-office.json"
fi
log "  done in $(($(date +%s) - g0)) s"

gen_mbox() {   # gen_mbox MIB FILE
	log "generating a $1 MiB mbox ..."
	local g0
	g0=$(date +%s)
	python3 "$here/gen-mbox.py" --size-mb "$1" --out "$2" --stats "$2.json" "${seed_args[@]}" > /dev/null
	log "  done in $(($(date +%s) - g0)) s"
}
big="$workdir/big.mbox"
gen_mbox "$mbox_mb" "$big"
small=
if [ "$small_mb" -gt 0 ]; then
	small="$workdir/small.mbox"
	gen_mbox "$small_mb" "$small"
fi

if [ "$run_clam" = 1 ]; then
	for f in "$qdir" "$ddir" "$big" $small; do
		if LC_ALL=C grep -rqF "$clam_canary" "$f"; then
			die "the canary string occurs in the generated data ($f)"
		fi
	done
fi

# ------------------------------------------------------------ timing
# record TOOL INPUT JOBS LOG BYTES ITEMS REPORT: one line of results.jsonl
record() {
	python3 - "$results" "$@" <<'PYEOF'
import json, sys
out, tool, inp, jobs, log, nbytes, items, report = sys.argv[1:9]
wall, user, sysc, rss, rc, load = open(log + ".res").read().split()
rec = {"tool": tool, "input": inp, "jobs": int(jobs) if jobs not in ("", "-") else None,
       "bytes": int(nbytes), "items": int(items),
       "wall_s": float(wall), "user_s": float(user), "sys_s": float(sysc), "peak_rss_kb": int(rss),
       "exit": int(rc), "load_before": None if load == "null" else float(load)}
stdout = open(log + ".out", errors="replace").read()
try:
    rec["peaks"] = json.loads(open(log + ".peaks").read())
except (OSError, ValueError):
    pass
try:
    # core_probe: one alone, then two at once (seconds)
    alone, p1, p2 = (float(x) for x in open(log + ".cores").read().split())
    rec["cores_probe"] = {"alone_s": alone, "pair_s": [p1, p2],
                          "cores": round(alone / p1 + alone / p2, 3)}
except (OSError, ValueError):
    pass
if tool == "mailhunt" and report not in ("", "-", "/dev/null"):
    try:
        for line in open(report, errors="replace"):
            d = json.loads(line)
            if d.get("type") == "summary":
                rec["summary"] = {k: d.get(k) for k in ("inputs", "messages", "attachments", "documents",
                                                         "pictures", "errors_total", "skipped_total",
                                                         "elapsed_seconds")}
                rec["flagged"] = (d.get("flagged") or {}).get("total")
    except (OSError, ValueError) as e:
        rec["summary_error"] = str(e)
if tool == "clamscan":
    lines = [l for l in stdout.splitlines() if l.strip()]
    rec["files_reported"] = sum(1 for l in lines if l.endswith(" OK") or l.endswith(" FOUND"))
    rec["found"] = sum(1 for l in lines if l.endswith(" FOUND"))
    rec["macro_alerts"] = sum(1 for l in lines if "ContainsMacros" in l)
    rec["limits_exceeded"] = sum(1 for l in lines if "Limits.Exceeded" in l)
    rec["canary"] = sum(1 for l in lines if "MailhuntBench.Canary" in l)
    err = open(log + ".err", errors="replace").read()
    rec["warnings"] = sum(1 for l in err.splitlines() if "Warning" in l)
    # what clamscan found other than the expected macro alerts (the first
    # few), e.g. which limit was exceeded
    rec["other_alerts"] = [l[-200:] for l in lines if l.endswith(" FOUND") and "ContainsMacros" not in l][:5]
if tool == "gmime-parse":
    try:
        rec["gmime"] = json.loads(stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        rec["gmime"] = None
open(out, "a").write(json.dumps(rec, ensure_ascii=False) + "\n")
PYEOF
}

warm() { find "$@" -type f -print0 | xargs -0 cat > /dev/null; }

# The runs of one input are taken round by round: a round runs each tool
# once, in turn, so that a slow spell of the machine falls on all of them
# alike (the same binary has run 1.5 times slower here from one quarter of
# an hour to the next); of each tool the round with the fewest CPU seconds
# is kept (keep_best).

mh_report() {   # mh_report NAME JOBS: where the run's report goes
	if [ "$report_devnull" = 1 ]; then echo /dev/null; else echo "$workdir/report-$1-j$2.jsonl"; fi
}

# core_probe OUT: how many cores' worth of arithmetic the machine gives
# two processes at once just now, against one alone (cache-probe with no
# working set: it shares nothing but the cores).  Seen here: 1.7 to 2.0,
# from minute to minute, on this 2-core virtual machine (one core slows
# down while the other is busy), which caps any speed-up from --jobs 1 to 2
# alike.  Writes "ALONE-S PAIR-S PAIR-S" to OUT; nothing when the probe is
# missing.
core_probe() {
	[ -x "$cache_probe" ] || return 0
	local out=$1 a b c
	a=$("$cache_probe" "$probe_steps" 0 | cut -d' ' -f1)
	"$cache_probe" "$probe_steps" 0 > "$out.p1" &
	c=$("$cache_probe" "$probe_steps" 0 | cut -d' ' -f1)
	wait
	b=$(cut -d' ' -f1 "$out.p1")
	rm -f "$out.p1"
	echo "$a $b $c" > "$out"
}

mh_round() {   # mh_round NAME INPUT-PATH JOBS ROUND
	local name=$1 path=$2 j=$3 i=$4 jargs=()
	[ "$j" = 0 ] || jargs=(--jobs "$j")
	# the cores on offer just before a run of two or more workers (kept
	# with the round: keep_best moves LOG.rN.cores)
	[ "$j" -lt 2 ] || core_probe "$workdir/mailhunt-$name-j$j.r$i.cores"
	log "mailhunt scan${jargs[*]:+ ${jargs[*]}} on $name, round $i ..."
	sample_peaks=1 time_run "$workdir/mailhunt-$name-j$j.r$i" "$mailhunt" scan "${jargs[@]}" --format jsonl \
		-o "$(mh_report "$name" "$j")" -q "${mh_extra_args[@]}" "$path"
}

mh_done() {   # mh_done NAME BYTES ITEMS JOBS
	local name=$1 nbytes=$2 items=$3 j=$4 report
	report=$(mh_report "$name" "$j")
	keep_best "$workdir/mailhunt-$name-j$j" "$rounds"
	record mailhunt "$name" "$j" "$workdir/mailhunt-$name-j$j" "$nbytes" "$items" "$report"
	[ "$report" = /dev/null ] || [ -n "$keepdir" ] || rm -f "$report"
}

clam_round() {   # clam_round NAME INPUT-PATH ROUND [-r]
	local name=$1 path=$2 i=$3
	shift 3
	log "clamscan on $name, round $i ..."
	time_run "$workdir/clamscan-$name.r$i" clamscan "${clam_opts[@]}" "$@" "$path"
	rm -rf "$workdir/clamtmp"/* 2>/dev/null || true
}

clam_done() {   # clam_done NAME BYTES ITEMS
	keep_best "$workdir/clamscan-$1" "$rounds"
	record clamscan "$1" - "$workdir/clamscan-$1" "$2" "$3" -
}

# all_rounds NAME INPUT-PATH BYTES ITEMS CLAM GMIME [CLAMSCAN-ARGS]: the
# rounds of one input (CLAM, GMIME: 1 to time clamscan, the GMime ceiling)
all_rounds() {
	local name=$1 path=$2 nbytes=$3 items=$4 clam=$5 gm=$6 i j
	shift 6
	# the GMime ceiling is a short run: at least three rounds
	local gm_rounds=$((rounds > 3 ? rounds : 3))
	for i in $(seq "$rounds"); do
		[ "$clam" = 1 ] && clam_round "$name" "$path" "$i" "$@"
		if [ "$gm" = 1 ]; then
			log "GMime ceiling on $name, round $i ..."
			time_run "$workdir/gmime-$name.r$i" "$gmime_parse" "$path"
		fi
		for j in $jobs_list; do mh_round "$name" "$path" "$j" "$i"; done
	done
	if [ "$gm" = 1 ]; then
		for i in $(seq $((rounds + 1)) "$gm_rounds"); do
			log "GMime ceiling on $name, round $i ..."
			time_run "$workdir/gmime-$name.r$i" "$gmime_parse" "$path"
		done
		keep_best "$workdir/gmime-$name" "$gm_rounds"
		record gmime-parse "$name" - "$workdir/gmime-$name" "$nbytes" "$items" -
	fi
	[ "$clam" = 1 ] && clam_done "$name" "$nbytes" "$items"
	for j in $jobs_list; do mh_done "$name" "$nbytes" "$items" "$j"; done
}

dir_bytes() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d\n", s }'; }
mbox_messages() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["messages"])' "$1.json"; }

max_filesize=$((2 * 1024 * 1024 * 1024 - 1))

# 1. the large mbox: clamscan, the GMime ceiling, mailhunt
bytes=$(stat -c %s "$big"); msgs=$(mbox_messages "$big")
big_bytes=$bytes
cat "$big" > /dev/null
clam_big=0
if [ "$run_clam" = 1 ]; then
	if [ "$bytes" -lt "$max_filesize" ]; then
		clam_big=1
	else
		log "the mbox is 2 GiB or more: clamscan cannot read it (--max-filesize stops at 2 GiB - 1); it is timed on the small mbox only"
	fi
fi
all_rounds mbox "$big" "$bytes" "$msgs" "$clam_big" 1
[ -n "$keepdir" ] || rm -f "$big"

# 2. the small mbox: mailhunt's memory at a quarter of the size
if [ -n "$small" ]; then
	bytes=$(stat -c %s "$small"); msgs=$(mbox_messages "$small")
	cat "$small" > /dev/null
	# clamscan on the small mbox only when it could not read the large one
	clam_small=0
	if [ "$run_clam" = 1 ] && [ "$big_bytes" -ge "$max_filesize" ]; then clam_small=1; fi
	all_rounds mbox-small "$small" "$bytes" "$msgs" "$clam_small" 0
	# the same messages four times over, in one file: only the input's size
	# grows, not its largest message (which a worker's peak follows: the
	# large mbox has heavier ones than the small one)
	x4="$workdir/small-x4.mbox"
	for _ in 1 2 3 4; do cat "$small"; done > "$x4"
	x4_jobs=""
	for j in $jobs_list; do [ "$j" -le 1 ] || x4_jobs="$x4_jobs $j"; done
	[ -z "$x4_jobs" ] || jobs_list=$x4_jobs all_rounds mbox-small-x4 "$x4" "$((bytes * 4))" "$((msgs * 4))" 0 0
	rm -f "$x4"
	[ -n "$keepdir" ] || rm -f "$small"
fi

# 3. the quarantine folder
bytes=$(dir_bytes "$qdir"); files=$(find "$qdir" -type f | wc -l)
warm "$qdir"
all_rounds quarantine "$qdir" "$bytes" "$files" "$run_clam" 0 -r

# 4. the Office documents
bytes=$(dir_bytes "$ddir"); files=$(find "$ddir" -type f | wc -l)
warm "$ddir"
all_rounds office "$ddir" "$bytes" "$files" "$run_clam" 0 -r

# ------------------------------------------------------------ report
python3 - "$results" "$workdir" "$have_jobs" "$docs_source" "$(nproc)" \
	"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
	"$("$mailhunt" --version 2>/dev/null || echo '?')" \
	"$( [ "$run_clam" = 1 ] && clamscan --version 2>/dev/null | head -1 || echo '-')" \
	"$(cut -d' ' -f1-3 /proc/loadavg)" "$mh_extra" "$clam_cache" <<'PYEOF'
import json, os, sys
(path, workdir, have_jobs, docs_source, cpus, cpu, mh_ver, clam_ver, load_end, mh_extra,
 clam_cache) = sys.argv[1:12]
recs = [json.loads(l) for l in open(path)]
MiB = 1024 * 1024
gen = {}
for name, f in (("quarantine", "gen-quarantine.json"), ("office", "gen-office.json"),
                ("mbox", "big.mbox.json"), ("mbox-small", "small.mbox.json")):
    try:
        gen[name] = json.loads(open(os.path.join(workdir, f)).read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        pass
if "scale" in gen.get("office", {}):
    del gen["office"]["scale"]
if "quarantine" in gen.get("quarantine", {}):
    gen["quarantine"]["quarantine"].pop("office_by_sample", None)

notes = []
for r in recs:
    w = r["wall_s"]
    r["mb"] = r["bytes"] / MiB
    r["mb_per_s"] = r["mb"] / w if w > 0 else None
    r["items_per_s"] = r["items"] / w if w > 0 else None
    r["cpu_s"] = r["user_s"] + r["sys_s"]
    r["cpu_busy"] = r["cpu_s"] / w if w > 0 else None
    r["peak_rss_mb"] = r["peak_rss_kb"] / 1024
    ocr = ((r.get("summary") or {}).get("pictures") or {}).get("ocr_seconds")
    if ocr is not None:
        r["ocr_s"] = ocr
    # counts: did the tool read everything?
    s = r.get("summary")
    if r["tool"] == "mailhunt" and s:
        if r["input"].startswith("mbox") or r["input"] == "quarantine":
            if s.get("messages") != r["items"]:
                notes.append("mailhunt on %s (jobs %s) reported %s messages, %d generated"
                             % (r["input"], r["jobs"], s.get("messages"), r["items"]))
        if r["input"] == "office":
            got = (s.get("documents") or {}).get("total")
            if got != r["items"]:
                notes.append("mailhunt on office (jobs %s) reported %s documents, %d in the folder"
                             % (r["jobs"], got, r["items"]))
        if s.get("errors_total"):
            notes.append("mailhunt on %s (jobs %s): %s read errors" % (r["input"], r["jobs"], s["errors_total"]))
    if r["tool"] == "mailhunt" and r["exit"] not in (0, 1):
        notes.append("mailhunt on %s (jobs %s) exited %d" % (r["input"], r["jobs"], r["exit"]))
    if r["tool"] == "clamscan":
        if r["limits_exceeded"]:
            notes.append("clamscan hit a scan limit on %s (%d Heuristics.Limits.Exceeded: %s): its figures are not valid"
                         % (r["input"], r["limits_exceeded"], "; ".join(r["other_alerts"])))
        if r["files_reported"] != (1 if r["input"].startswith("mbox") else r["items"]):
            notes.append("clamscan reported %d files on %s, %d expected"
                         % (r["files_reported"], r["input"], 1 if r["input"].startswith("mbox") else r["items"]))
        if r["exit"] not in (0, 1):
            notes.append("clamscan exited %d on %s" % (r["exit"], r["input"]))
    if r["tool"] == "gmime-parse" and r.get("gmime") and r["gmime"].get("messages") != r["items"]:
        notes.append("GMime found %s messages in %s, %d generated" % (r["gmime"].get("messages"), r["input"], r["items"]))
    # one process busy the whole time makes cpu 1.0 (jobs N: up to N)
    label = r["tool"] + (" (jobs %s)" % r["jobs"] if r["tool"] == "mailhunt" else "")
    busy_max = r["jobs"] if r["tool"] == "mailhunt" and r["jobs"] else 1
    if r["cpu_busy"] is not None and r["cpu_busy"] < 0.9 * busy_max and w > 1:
        notes.append("%s on %s kept only %.2f CPUs busy on average, of %d it could use (load average %s "
                     "before it): other work on the machine, or waiting; compare CPU seconds"
                     % (label, r["input"], r["cpu_busy"], busy_max, r["load_before"]))
    if r["exit"] == 124 or (r["wall_s"] == 0 and r["exit"] != 0):
        notes.append("%s on %s timed out or was killed" % (r["tool"], r["input"]))

def unit(inp):
    return "msgs/s" if inp.startswith("mbox") else "files/s"

def mib(r, key):
    """A peak of proc-peaks.py (the scan process, its largest worker) in MiB."""
    v = (r.get("peaks") or {}).get(key)
    return "-" if v is None else "%.1f MiB" % (v / 1024)

print()
hdr = ("input", "tool", "jobs", "size", "items", "wall s", "user s", "sys s", "cpu", "MB/s", "items/s",
       "peak RSS", "scan", "worker", "load", "exit", "reported", "ocr s")
rows = []
for r in recs:
    s = r.get("summary") or {}
    if r["tool"] == "mailhunt":
        rep = s.get("messages") if r["input"] != "office" else (s.get("documents") or {}).get("total")
    elif r["tool"] == "clamscan":
        rep = r["files_reported"]
    else:
        rep = (r.get("gmime") or {}).get("messages")
    rows.append((r["input"], r["tool"], "-" if r["jobs"] is None else ("plain" if r["jobs"] == 0 else str(r["jobs"])),
                 "%.0f MiB" % r["mb"], str(r["items"]), "%.1f" % r["wall_s"], "%.1f" % r["user_s"],
                 "%.1f" % r["sys_s"], "%.2f" % (r["cpu_busy"] or 0), "%.1f" % (r["mb_per_s"] or 0),
                 "%.0f %s" % (r["items_per_s"] or 0, unit(r["input"]).split("/")[0]),
                 "%.1f MiB" % r["peak_rss_mb"], mib(r, "scan_kb"), mib(r, "worker_kb"),
                 "-" if r["load_before"] is None else "%.2f" % r["load_before"],
                 str(r["exit"]), "-" if rep is None else str(rep),
                 "-" if r.get("ocr_s") is None else "%.1f" % r["ocr_s"]))
w = [max(len(x[i]) for x in rows + [hdr]) for i in range(len(hdr))]
for row in [hdr] + rows:
    print("  ".join(c.ljust(w[i]) if i < 2 else c.rjust(w[i]) for i, c in enumerate(row)))
print()

def find(tool, inp, jobs=None):
    for r in recs:
        if r["tool"] == tool and r["input"] == inp and (jobs is None or r["jobs"] == jobs):
            return r
    return None

mh_jobs = sorted({r["jobs"] for r in recs if r["tool"] == "mailhunt"})
best_j = max(mh_jobs) if mh_jobs else None
best_label = "plain scan, no --jobs" if best_j == 0 else "mailhunt --jobs %s" % best_j
goals = []

def goal(name, value, target, cmp=">=", detail=""):
    met = None if value is None else (value >= target if cmp == ">=" else value < target)
    goals.append({"goal": name, "value": None if value is None else round(value, 3), "target": target,
                  "comparison": cmp, "met": met, "detail": detail})

ratios = {}
def ratio(a, b):
    return a / b if a is not None and b else None

# mbox: mailhunt at the largest --jobs against clamscan and the GMime ceiling
for inp in ("mbox", "mbox-small"):
    m, c, g = find("mailhunt", inp, best_j), find("clamscan", inp), find("gmime-parse", inp)
    if m and c:
        ratios["%s_mailhunt_over_clamscan" % inp] = {
            "throughput": ratio(m["mb_per_s"], c["mb_per_s"]), "cpu": ratio(c["cpu_s"], m["cpu_s"]),
            "mailhunt_jobs": best_j}
    if m and g:
        ratios["%s_mailhunt_over_gmime" % inp] = {"throughput": ratio(m["mb_per_s"], g["mb_per_s"]),
                                                  "cpu": ratio(g["cpu_s"], m["cpu_s"]), "mailhunt_jobs": best_j}
mb = ratios.get("mbox_mailhunt_over_clamscan") or ratios.get("mbox-small_mailhunt_over_clamscan")
goal("mbox: mailhunt --jobs 2 MB/s >= 10 x clamscan", mb and mb["throughput"], 10,
     detail=best_label + ("" if "mbox_mailhunt_over_clamscan" in ratios else ", small mbox"))
mg = ratios.get("mbox_mailhunt_over_gmime")
goal("mbox: mailhunt --jobs 2 MB/s >= 0.5 x bare GMime parse", mg and mg["throughput"], 0.5,
     detail=best_label)
for inp, target in (("quarantine", 5), ("office", 20)):
    m, c = find("mailhunt", inp, best_j), find("clamscan", inp)
    if m and c:
        d = {"throughput": ratio(m["items_per_s"], c["items_per_s"]), "cpu": ratio(c["cpu_s"], m["cpu_s"]),
             "mailhunt_jobs": best_j}
        if m.get("ocr_s"):
            # what the same run would have cost without OCR, which clamscan
            # does not do (an estimate: OCR seconds are CPU seconds of the
            # workers, spread over the jobs)
            rest = m["wall_s"] - m["ocr_s"] / max(1, m["jobs"] or 1)
            d["throughput_without_ocr_estimate"] = ratio(m["items"] / rest if rest > 0 else None, c["items_per_s"])
            # ocr_seconds is mailhunt's own clock (wall time spent in OCR)
            d["ocr_share_of_wall"] = m["ocr_s"] / max(1, m["jobs"] or 1) / m["wall_s"] if m["wall_s"] else None
        ratios["%s_mailhunt_over_clamscan" % inp] = d
    goal("%s: mailhunt files/s >= %d x clamscan" % (inp, target),
         (ratios.get("%s_mailhunt_over_clamscan" % inp) or {}).get("throughput"), target,
         detail=best_label)
# --jobs 1 -> 2
for inp in ("mbox", "mbox-small", "quarantine", "office"):
    a, b = find("mailhunt", inp, 1), find("mailhunt", inp, 2)
    if a and b:
        ratios["%s_jobs2_over_jobs1" % inp] = {"wall": ratio(a["wall_s"], b["wall_s"]),
                                               "cpu": ratio(b["cpu_s"], a["cpu_s"])}
    if a and b and b.get("cores_probe"):
        # what the machine gave two processes just before the --jobs 2 run
        ratios["%s_jobs2_over_jobs1" % inp]["cores_on_offer"] = b["cores_probe"]["cores"]
sp = [ratios[k]["wall"] for k in ratios if k.endswith("_jobs2_over_jobs1") and ratios[k]["wall"]]
goal("speed-up --jobs 1 -> 2 >= 1.7 (smallest over the inputs)", min(sp) if sp else None, 1.7,
     detail="" if have_jobs == "1" else "mailhunt has no --jobs yet")
# memory.  The goal is per worker: the worker processes of --jobs 2 and
# more (proc-peaks.py), under 100 MiB and flat from the small to the
# large mbox.  The scan process itself holds the thread index of all
# that was read (so does --jobs 1, which is its own worker): it is
# reported beside, and so is GNU time's peak of the whole tree.
mh = [r for r in recs if r["tool"] == "mailhunt"]
def peak_of(r, key):
    v = (r.get("peaks") or {}).get(key)
    return None if v is None else v / 1024
workers = [peak_of(r, "worker_kb") for r in mh if (r["jobs"] or 0) > 1 and peak_of(r, "worker_kb") is not None]
goal("peak memory per worker < 100 MiB (largest worker, --jobs 2+)", max(workers) if workers else None, 100, "<")
rss_growth = {}
for j in mh_jobs:
    a, b = find("mailhunt", "mbox-small", j), find("mailhunt", "mbox", j)
    if a and b:
        key = "worker_kb" if j > 1 else "scan_kb"
        small_w, large_w = peak_of(a, key), peak_of(b, key)
        rss_growth[str(j)] = {"small_mb": round(a["mb"]), "large_mb": round(b["mb"]),
                              "small_peak_rss_mb": round(a["peak_rss_mb"], 1),
                              "large_peak_rss_mb": round(b["peak_rss_mb"], 1),
                              "growth_pct": round((b["peak_rss_mb"] - a["peak_rss_mb"]) / a["peak_rss_mb"] * 100, 1),
                              "process": "worker" if j > 1 else "scan",
                              "small_process_mb": small_w and round(small_w, 1),
                              "large_process_mb": large_w and round(large_w, 1),
                              "process_growth_pct": round((large_w - small_w) / small_w * 100, 1)
                                                    if small_w and large_w else None}
# flat: the same messages at four times the size (mbox-small-x4); from the
# small to the large mbox the messages differ too (the large one's heaviest
# message is heavier), which is reported beside
worker_flat = {}
for j in mh_jobs:
    a, b = find("mailhunt", "mbox-small", j), find("mailhunt", "mbox-small-x4", j)
    if j > 1 and a and b and peak_of(a, "worker_kb") and peak_of(b, "worker_kb"):
        wa, wb = peak_of(a, "worker_kb"), peak_of(b, "worker_kb")
        worker_flat[str(j)] = {"small_mb": round(a["mb"]), "x4_mb": round(b["mb"]), "small_worker_mb": round(wa, 1),
                               "x4_worker_mb": round(wb, 1), "growth_pct": round((wb - wa) / wa * 100, 1),
                               "small_scan_mb": peak_of(a, "scan_kb") and round(peak_of(a, "scan_kb"), 1),
                               "x4_scan_mb": peak_of(b, "scan_kb") and round(peak_of(b, "scan_kb"), 1)}
g = [v["growth_pct"] for v in worker_flat.values()]
goal("worker memory flat: the small mbox and it four times over (growth < 10 %)", max(g) if g else None, 10, "<")
g = [v["process_growth_pct"] for j, v in rss_growth.items() if int(j) > 1 and v["process_growth_pct"] is not None]
goal("worker memory from the small to the large mbox (other messages too; < 10 %)", max(g) if g else None, 10, "<")
peak = max((r["peak_rss_mb"] for r in mh), default=None)
goal("peak RSS of any mailhunt process < 100 MiB (scan process and --jobs 1 included)", peak, 100, "<")
g = [v["growth_pct"] for v in rss_growth.values()]
goal("peak RSS of any process flat from the small to the large mbox (growth < 10 %)", max(g) if g else None, 10, "<")

for k, v in ratios.items():
    print("%-40s %s" % (k.replace("_", " "), ", ".join("%s %s" % (a, "%.2f" % b if isinstance(b, float) else b)
                                                        for a, b in v.items())))
for j, v in rss_growth.items():
    print("mailhunt peak RSS (jobs %s): %.1f MiB at %d MiB, %.1f MiB at %d MiB: %+.1f %%"
          % ("plain" if j == "0" else j, v["small_peak_rss_mb"], v["small_mb"], v["large_peak_rss_mb"],
             v["large_mb"], v["growth_pct"]))
    if v["process_growth_pct"] is not None:
        print("mailhunt %s process (jobs %s): %.1f MiB at %d MiB, %.1f MiB at %d MiB: %+.1f %%"
              % (v["process"], j, v["small_process_mb"], v["small_mb"], v["large_process_mb"], v["large_mb"],
                 v["process_growth_pct"]))
for j, v in worker_flat.items():
    print("mailhunt worker (jobs %s), the same messages: %.1f MiB at %d MiB, %.1f MiB four times over (%d MiB): "
          "%+.1f %% (the scan process: %s and %s MiB)"
          % (j, v["small_worker_mb"], v["small_mb"], v["x4_worker_mb"], v["x4_mb"], v["growth_pct"],
             v["small_scan_mb"], v["x4_scan_mb"]))
print()
for gl in goals:
    state = "n/a" if gl["met"] is None else ("met" if gl["met"] else "NOT met")
    print("goal: %-62s %-8s %s%s" % (gl["goal"], "-" if gl["value"] is None else "%.2f" % gl["value"], state,
                                     " (%s)" % gl["detail"] if gl["detail"] else ""))
if have_jobs != "1":
    notes.append("mailhunt scan has no --jobs yet: the plain scan was timed; the jobs goals are measured on it")
if mh_extra:
    notes.append("mailhunt ran with extra arguments: %s" % mh_extra)
for n in notes:
    print("NOTE: " + n)
for r in recs:
    for k in list(r):
        if isinstance(r[k], float):
            r[k] = round(r[k], 3)
for v in ratios.values():
    for k in list(v):
        if isinstance(v[k], float):
            v[k] = round(v[k], 3)
summary = {"bench": "mailhunt-bulk", "cpus": int(cpus), "cpu": cpu, "mailhunt_version": mh_ver,
           "clamscan_version": clam_ver, "has_jobs": have_jobs == "1", "docs_source": docs_source,
           "clamscan_cache": clam_cache == "1", "mailhunt_extra_args": mh_extra or None,
           "load_at_end": load_end, "generated": gen, "runs": recs, "ratios": ratios,
           "peak_rss_flat": rss_growth, "worker_flat_same_messages": worker_flat, "goals": goals, "notes": notes}
print()
print(json.dumps(summary, ensure_ascii=False, sort_keys=True))
PYEOF
