#!/usr/bin/env python3
"""Apache Tika's test .mbox files: message counts and the facts the
`expected` column of MANIFEST.tsv states (Tika's own tests, [U]), as far
as the JSON report shows them.

The JSON report has no body text, so body facts are checked only through
what JSON does show (body_length, body_from_html, attachments).  NOT
checked, because only the body text would show them:
  - complex.mbox: the first body contains 'When a Mapper completes';
  - quoted.mbox: the body keeps '> quoted stuff' (its length is checked);
  - simple.mbox: the bodies read 'Test content 1' and 'Test content 2'
    (their lengths are checked);
  - testMBOX_complex.mbox: Tika's content holds 'body 2' (the HTML
    rendering) but not 'body 1' (the text/plain one).  We take the
    text/plain rendering of multipart/alternative as the body instead
    (docs/report-format.md), so only "neither rendering is an attachment"
    is checked;
  - simple.mbox: the envelopes 'envelope-sender-mailbox-name Mon Jun 01
    10:00:00 2009' / '... 11:00:00 2010' (JSON's envelope_from holds the
    envelope sender only when it is an address, so it is null here).
"""
import calendar
import csv
import os

from mhtest import corpora, scan, ok, eq, done

CORPORA = corpora()
PREFIX = 'tika/'


def utc(*fields):
    return calendar.timegm(fields)


def received_is(m, value):
    return value in m['received']


def body_about(m, text):
    """body_length fits @text, give or take the line break the mbox
    separator's blank line leaves at the end."""
    n = len(text.encode('utf-8'))
    return n <= m['body_length'] <= n + 2


# file name -> (message count, checks on the messages).  Each check is
# (description, function of the message list).
EXPECTED = {
    'complex.mbox': (3, [
        ("first subject", lambda ms: eq(ms[0]['subject'], 'Re: question about when shuffle/sort start working',
                                        "complex.mbox: first subject")),
        ("first from name", lambda ms: eq(ms[0]['from']['name'], 'Jothi Padmanabhan',
                                          "complex.mbox: first From name")),
        ("first from address", lambda ms: eq(ms[0]['from']['address'], 'jothipn@yahoo-inc.com',
                                             "complex.mbox: first From address")),
        ("first to", lambda ms: eq([a['address'] for a in ms[0]['to']], ['core-user@hadoop.apache.org'],
                                   "complex.mbox: first To")),
    ]),
    'headers.mbox': (1, [
        ("subject", lambda ms: eq(ms[0]['subject'], 'subject', "headers.mbox: subject")),
        ("from", lambda ms: eq(ms[0]['from']['address'], 'author@domain.com', "headers.mbox: From address")),
        ("return-path", lambda ms: eq(ms[0]['return_path'], 'name@domain.com', "headers.mbox: Return-Path")),
        ("date", lambda ms: eq(ms[0]['date_unix'], utc(2009, 6, 10, 3, 58, 45, 0, 0, 0),
                               "headers.mbox: date is 2009-06-10T03:58:45Z")),
    ]),
    'multiline.mbox': (1, [
        # Received is structured: its folding white space means one space
        ("received", lambda ms: ok(received_is(ms[0], 'from xxx by xxx with xxx; date'),
                                   "multiline.mbox: folded Received unfolds to 'from xxx by xxx with xxx; date'",
                                   ms[0]['received'])),
    ]),
    'multiline2.mbox': (1, [
        # the 'Content-type: something' line is in the body, not a header
        ("no bogus type", lambda ms: ok(all(a['declared_type'] != 'something' for a in ms[0]['attachments']),
                                        "multiline2.mbox: no part typed 'something'",
                                        ms[0]['attachments'])),
        ("body is text", lambda ms: ok(not ms[0]['attachments'] and not ms[0]['body_from_html']
                                       and ms[0]['body_length'] > 0,
                                       "multiline2.mbox: the body is plain text, no attachment",
                                       ms[0])),
        ("received", lambda ms: ok(received_is(ms[0], 'from xxx by xxx with xxx; date'),
                                   "multiline2.mbox: Received is 'from xxx by xxx with xxx; date'",
                                   ms[0]['received'])),
    ]),
    'quoted.mbox': (1, [
        ("body length", lambda ms: ok(body_about(ms[0], 'Test content\n> quoted stuff'),
                                      "quoted.mbox: body_length fits 'Test content' + '> quoted stuff'",
                                      ms[0]['body_length'])),
    ]),
    'simple.mbox': (2, [
        ("body 1", lambda ms: ok(body_about(ms[0], 'Test content 1'),
                                 "simple.mbox: first body_length fits 'Test content 1'", ms[0]['body_length'])),
        ("body 2", lambda ms: ok(body_about(ms[1], 'Test content 2'),
                                 "simple.mbox: second body_length fits 'Test content 2'", ms[1]['body_length'])),
    ]),
    'single_mail.mbox': (1, [
        # a message whose top-level type is text/html: the HTML is its body
        ("html body", lambda ms: ok(ms[0]['body_from_html'] and ms[0]['body_length'] > 0,
                                    "single_mail.mbox: top-level text/html read as the body",
                                    ms[0]['body_from_html'])),
        ("no attachment", lambda ms: eq(ms[0]['attachments'], [], "single_mail.mbox: no attachment")),
    ]),
    'testMBOX_complex.mbox': (1, [
        # multipart/alternative: one rendering is the body, the other is
        # neither body nor attachment
        ("alternative", lambda ms: eq(ms[0]['attachments'], [],
                                      "testMBOX_complex.mbox: no rendering of multipart/alternative is an attachment")),
        ("body", lambda ms: ok(ms[0]['body_length'] > 0, "testMBOX_complex.mbox: a body was read",
                               ms[0]['body_length'])),
    ]),
    'testMBOX_lengthy_x-headers.mbox': (1, []),
}

rows = []
with open(os.path.join(CORPORA, 'MANIFEST.tsv'), newline='', encoding='utf-8') as f:
    for row in csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE):
        if row['local'].startswith(PREFIX) and row['local'].endswith('.mbox'):
            rows.append(row)
ok(len(rows) >= 9, f"MANIFEST.tsv lists {len(rows)} Tika .mbox files")

seen = set()
for row in rows:
    name = os.path.basename(row['local'])
    seen.add(name)
    if not ok(name in EXPECTED, f"{name}: this test knows the facts MANIFEST.tsv states", row['expected']):
        continue
    count, checks = EXPECTED[name]
    rc, msgs, summary, err = scan(os.path.join(CORPORA, row['local']))
    if not ok(summary is not None, f"{name}: the scan ends with a summary", err):
        continue
    eq(summary['errors_total'], 0, f"{name}: no read errors")
    if not eq(len(msgs), count, f"{name}: {count} message(s)"):
        continue
    for _what, check in checks:
        check(msgs)

eq(sorted(set(EXPECTED) - seen), [], "every file this test knows is in MANIFEST.tsv")
done()
