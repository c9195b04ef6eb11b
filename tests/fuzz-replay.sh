#!/bin/sh
# Replays every fuzz harness over its seeds (tests/fuzz/seeds/NAME) and over
# the matching files of the corpora (mail, .msg, winmail.dat).  A
# crash, a sanitizer report or a trap in a harness's own checks fails it.
# Prints TAP.
build=${MH_BUILDDIR:-.}
src=${MH_SRCDIR:-.}
n=0
failed=0

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
		failed=$((failed + 1))
		echo "not ok $n - replay-$name (exit $rc)"
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
	fi
}

check mbox "$src/tests/fuzz/seeds/mbox"
check message "$src/tests/fuzz/seeds/message"
check header "$src/tests/fuzz/seeds/header"
check msg "$src/tests/fuzz/seeds/msg"
check tnef "$src/tests/fuzz/seeds/tnef"
# each Outlook harness on the other's seeds: wrong input must be refused cleanly
check msg "$src/tests/fuzz/seeds/tnef"
check tnef "$src/tests/fuzz/seeds/msg"
check ovba "$src/tests/fuzz/seeds/ovba"
check vba-dir "$src/tests/fuzz/seeds/vba-dir"
# each VBA harness on the other's seeds
check ovba "$src/tests/fuzz/seeds/vba-dir"
check vba-dir "$src/tests/fuzz/seeds/ovba"
check xlm "$src/tests/fuzz/seeds/xlm"
check ooxml-rels "$src/tests/fuzz/seeds/ooxml-rels"
check ooxml "$src/tests/fuzz/seeds/ooxml"
check vba-rules "$src/tests/fuzz/seeds/vba-rules"
check archive "$src/tests/fuzz/seeds/archive"
check lure "$src/tests/fuzz/seeds/lure"
check doc-text "$src/tests/fuzz/seeds/doc-text"
# the Word text reader on the BIFF seeds: wrong input must be refused cleanly
check doc-text "$src/tests/fuzz/seeds/xlm"
check images "$src/tests/fuzz/seeds/images"
# the picture harness on OLE2 seeds without pictures: wrong input refused cleanly
check images "$src/tests/fuzz/seeds/msg"
check image-decode "$src/tests/fuzz/seeds/image-decode"
# streams holding pictures are not pictures: refused cleanly by the decoder
check image-decode "$src/tests/fuzz/seeds/images"
check image-decode "$src/samples-benign/lures/images"
check quote "$src/tests/fuzz/seeds/quote"
# quote extraction on the header/HTML seeds too
check quote "$src/tests/fuzz/seeds/header"
# the link stage on the message seeds and on the scenario mails
check mbox-cut "$src/tests/fuzz/seeds/mbox-cut" "$src/tests/fuzz/seeds/mbox" "$src/samples-benign/threads/mbox"
check records "$src/tests/fuzz/seeds/fuzz-records"
# lines that are not records (mail, header seeds) must be refused cleanly
check records "$src/tests/fuzz/seeds/message" "$src/tests/fuzz/seeds/header"
check unit-records "$src/tests/fuzz/seeds/unit-records" "$src/tests/fuzz/seeds/fuzz-records"
check link "$src/tests/fuzz/seeds/message" "$src/samples-benign/quarantine" "$src/samples-benign/maildir" \
	"$src/samples-benign/threads/eml"
# OLE2 input to the whole-document harness must be handled cleanly
check archive "$src/tests/fuzz/seeds/msg"
check xlm "$src/tests/fuzz/seeds/msg"
if [ -d "$MH_CORPORA" ]; then
	tika_ms="$MH_CORPORA/tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-microsoft-module/src/test/resources/test-documents"
	check msg "$MH_CORPORA/poi/test-data/hsmf" "$MH_CORPORA/msg-extractor/example-msg-files" "$tika_ms"
	check tnef "$tika_ms/testWINMAIL.dat"
	check mbox-cut "$MH_CORPORA/releases-comm-central/mailnews/test/data" \
		"$MH_CORPORA/tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-mail-module/src/test/resources/test-documents"
	check quote "$MH_CORPORA/imap_tools/tests/messages" "$MH_CORPORA/imap_tools/tests/messages/plain_emails" \
		"$MH_CORPORA/imap_tools/tests/messages/multi_charset" \
		"$MH_CORPORA/tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-mail-module/src/test/resources/test-documents"
	check images "$MH_CORPORA/poi/test-data/document" "$MH_CORPORA/poi/test-data/spreadsheet" "$tika_ms" \
		"$MH_CORPORA/oletools/tests/test-data/oleobj"
	check ooxml "$tika_ms" "$MH_CORPORA/poi/test-data/document" "$MH_CORPORA/poi/test-data/spreadsheet" \
		"$MH_CORPORA/oletools/tests/test-data/msodde" "$MH_CORPORA/oletools/tests/test-data/oleobj" \
		"$MH_CORPORA/oletools/tests/test-data/oleobj/external_link" "$MH_CORPORA/oletools/tests/test-data/excel4-macros" \
		"$MH_CORPORA/oletools/tests/test-data/oleform"
	check vba-rules "$MH_CORPORA/poi/test-data/document/SimpleMacro.vba" "$MH_CORPORA/poi/test-data/spreadsheet/SimpleMacro.vba"
	check archive "$MH_CORPORA/oletools/tests/test-data/encrypted" "$MH_CORPORA/oletools/tests/test-data/excel4-macros" \
		"$MH_CORPORA/oletools/tests/test-data/msodde" "$MH_CORPORA/oletools/tests/test-data/oleform" \
		"$MH_CORPORA/oletools/tests/test-data/oleobj" "$MH_CORPORA/oletools/tests/test-data/oleobj/external_link" \
		"$MH_CORPORA/poi/test-data/document"
	# OLE containers that are not workbook streams are refused cleanly
	check xlm "$MH_CORPORA/oletools/tests/test-data/excel4-macros" "$MH_CORPORA/oletools/tests/test-data/encrypted"
	check mbox "$MH_CORPORA/releases-comm-central/mailnews/test/data" \
		"$MH_CORPORA/tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-mail-module/src/test/resources/test-documents"
	check message "$MH_CORPORA/imap_tools/tests/messages" "$MH_CORPORA/imap_tools/tests/messages/multi_charset" \
		"$MH_CORPORA/imap_tools/tests/messages/attachment_emails" "$MH_CORPORA/mail/spec/fixtures/emails/multi_charset"
else
	echo "ok $((n + 1)) # SKIP corpora not found"; n=$((n + 1))
fi
echo "1..$n"
exit 0
