#!/usr/bin/env python3
"""notmuch's test corpora (notmuch/test/corpora/*): one RFC 822 message per
file, Maildir-like folders.  For each corpus folder, the number of messages
read must equal the number of files MANIFEST.tsv lists there as maildir-eml
or eml, every such file must give exactly one message, and nothing may be a
read error."""
import collections
import csv
import os

from mhtest import corpora, scan, ok, eq, done

CORPORA = corpora()
PREFIX = 'notmuch/test/corpora/'
MAIL_KINDS = ('maildir-eml', 'eml')


def manifest_rows():
    with open(os.path.join(CORPORA, 'MANIFEST.tsv'), newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE))


# corpus folder -> files (paths relative to the folder) listed as mail
listed = collections.defaultdict(list)
for row in manifest_rows():
    local = row['local']
    if local.startswith(PREFIX) and row['kind'] in MAIL_KINDS:
        folder, _, rest = local[len(PREFIX):].partition('/')
        listed[folder].append(rest)

on_disk = sorted(d for d in os.listdir(os.path.join(CORPORA, PREFIX))
                 if os.path.isdir(os.path.join(CORPORA, PREFIX, d)))
eq(sorted(listed), on_disk, "MANIFEST.tsv lists mail in every notmuch corpus folder")
ok(sum(len(v) for v in listed.values()) >= 300, "MANIFEST.tsv lists at least 300 notmuch mail files")

for folder in sorted(listed):
    path = os.path.join(CORPORA, PREFIX, folder)
    rc, msgs, summary, err = scan(path)
    if not ok(summary is not None, f"{folder}: the scan ends with a summary", err):
        continue
    eq(summary['errors_total'], 0, f"{folder}: no read errors")
    eq(summary['skipped_total'], 0, f"{folder}: no file skipped")
    eq(summary['messages'], len(listed[folder]),
       f"{folder}: as many messages as MANIFEST.tsv lists mail files")
    eq(len(msgs), summary['messages'], f"{folder}: every message is reported with --all")

    per_file = collections.Counter()
    for m in msgs:
        # locator.file is the path given joined with the walk
        per_file[os.path.relpath(os.path.join(path, m['locator']['file']), path)] += 1
    for rel in sorted(listed[folder]):
        eq(per_file.get(rel, 0), 1, f"{folder}/{rel}: exactly one message")
    extra = sorted(set(per_file) - set(listed[folder]))
    eq(extra, [], f"{folder}: no message from a file MANIFEST.tsv does not list as mail")

done()
