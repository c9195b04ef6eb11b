#!/bin/sh
# Replays the Outlook fuzz harnesses (tests/fuzz/fuzz-msg.c and
# fuzz-tnef.c) over their seeds and, for .msg, over the .msg files and the
# TNEF sample of the corpora.  A crash, a sanitizer report or a trap in a
# harness's own checks fails it.  Prints TAP.
build=${MH_BUILDDIR:-.}
src=${MH_SRCDIR:-.}
n=0

check () {
	n=$((n + 1))
	name=$1; shift
	out=$("$build/tests/fuzz/replay-$name" "$@" 2>&1)
	rc=$?
	count=$(printf '%s\n' "$out" | sed -n 's/^ok 1 - \([0-9]*\) inputs.*/\1/p')
	if [ $rc -eq 0 ] && [ -n "$count" ] && [ "$count" -gt 0 ] &&
	   ! printf '%s\n' "$out" | grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:'; then
		echo "ok $n - replay-$name: $count inputs"
	else
		echo "not ok $n - replay-$name (exit $rc)"
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
	fi
}

check msg "$src/tests/fuzz/seeds/msg"
check tnef "$src/tests/fuzz/seeds/tnef"
# each harness on the other's seeds: wrong input must be refused cleanly
check msg "$src/tests/fuzz/seeds/tnef"
check tnef "$src/tests/fuzz/seeds/msg"
if [ -d "$MH_CORPORA" ]; then
	check msg "$MH_CORPORA/poi/test-data/hsmf" "$MH_CORPORA/msg-extractor/example-msg-files" \
		"$MH_CORPORA/tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-microsoft-module/src/test/resources/test-documents"
	check tnef "$MH_CORPORA/tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-microsoft-module/src/test/resources/test-documents/testWINMAIL.dat"
else
	echo "ok $((n + 1)) # SKIP corpora not found"; n=$((n + 1))
fi
echo "1..$n"
exit 0
