# Shared by the benchmark scripts (sourced, bash): ClamAV's one-signature
# database with its canary check, and timing a command under GNU time.
# The sourcing script defines log(), die(), $workdir and $timeout_s.

# A .ndb body signature for a string the generators never write: clamscan
# parses, decodes and matches everything and finds nothing.  The raised
# limits and --alert-exceeds-max make sure nothing is skipped.
clam_canary="mailhunt-bench-canary-3f9c2d71a8e4b605"
clam_db="$workdir/one-sig.ndb"
printf 'MailhuntBench.Canary.NotInData:0:*:%s\n' \
	"$(printf '%s' "$clam_canary" | od -An -tx1 | tr -d ' \n')" > "$clam_db"
clam_common_opts=(--no-summary -d "$clam_db"
	--max-filesize=2047M --max-scansize=4095M --max-files=10000000
	--max-recursion=32 --max-scantime=0 --alert-exceeds-max=yes)

# clam_canary_check OPTION...: clamscan with these options must find the
# canary in a base64 mail attachment, or the comparison would be void.
clam_canary_check() {
	python3 - "$workdir/canary.mbox" "$clam_canary" <<'PYEOF'
import base64, sys
att = base64.encodebytes(b"x" * 500 + sys.argv[2].encode() + b"y" * 500).decode()
open(sys.argv[1], "w").write(
    "From - Mon Jan  1 00:00:00 2024\nFrom: a <a@example.com>\nTo: b <b@example.com>\n"
    "Subject: canary\nMessage-ID: <canary@example.com>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n"
    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\n"
    "Content-Type: text/plain\n\nhello\n--b1\nContent-Type: application/octet-stream; name=\"c.bin\"\n"
    "Content-Disposition: attachment; filename=\"c.bin\"\nContent-Transfer-Encoding: base64\n\n"
    + att + "--b1--\n\n")
PYEOF
	local out
	out=$(clamscan "$@" "$workdir/canary.mbox" 2>&1 || true)
	case "$out" in
	*MailhuntBench.Canary*FOUND*) log "clamscan canary check: the one-signature database works" ;;
	*) die "clamscan did not find the canary in a base64 attachment: $out" ;;
	esac
}

# time_run LOG COMMAND...: runs COMMAND under GNU time, writes
# "wall_s user_s sys_s rss_kb exit load" to $LOG.res.  With $sample_peaks
# set, also the peak memory of each mailhunt process (the scan, each
# worker) in $LOG.peaks: proc-peaks.py.
time_run() {
	local log=$1; shift
	local rc=0 peaks=()
	cut -d' ' -f1 /proc/loadavg > "$log.load" 2>/dev/null || echo null > "$log.load"
	[ -z "${sample_peaks:-}" ] ||
		peaks=(python3 "$(dirname "${BASH_SOURCE[0]}")/proc-peaks.py" "$log.peaks" --)
	"${peaks[@]}" timeout "$timeout_s" /usr/bin/time -v -o "$log.time" "$@" > "$log.out" 2> "$log.err" || rc=$?
	python3 - "$log.time" "$rc" > "$log.res" <<'PYEOF'
import re, sys
try:
    t = open(sys.argv[1]).read()
except OSError:
    t = ""   # GNU time itself was killed (--timeout)
def field(name):
    m = re.search(re.escape(name) + r": *(\S+)", t)
    return m.group(1) if m else None
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
secs = 0.0
if wall:
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
load = open(sys.argv[1][:-len(".time")] + ".load").read().strip() or "null"
print(secs, field("User time (seconds)") or 0, field("System time (seconds)") or 0,
      field("Maximum resident set size (kbytes)") or 0, sys.argv[2], load)
PYEOF
}

# time_best LOG ROUNDS COMMAND...: time_run ROUNDS times, keeps the run
# with the fewest CPU seconds (the least disturbed by other work) as LOG
time_best() {
	local log=$1 rounds=$2 i
	shift 2
	for i in $(seq "$rounds"); do
		time_run "$log.r$i" "$@"
	done
	keep_best "$log" "$rounds"
}

# keep_best LOG ROUNDS: of the runs LOG.r1 .. LOG.rROUNDS (time_run logs,
# with any other files named LOG.rN.EXT), keeps the one with the fewest
# CPU seconds as LOG.EXT and removes the others.  For runs of several
# commands taken in turn, so that a slow spell of the machine falls on
# all of them alike.
keep_best() {
	local log=$1 rounds=$2 best='' best_cpu='' cpu i f
	for i in $(seq "$rounds"); do
		cpu=$(awk '{ print $2 + $3 }' "$log.r$i.res")
		if [ -z "$best" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
			best=$i
			best_cpu=$cpu
		fi
	done
	for f in "$log.r$best".*; do mv "$f" "$log.${f#"$log.r$best."}"; done
	rm -f "$log".r[0-9]*.*
}
