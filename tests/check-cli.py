"""`mailhunt check` and `scan --mailbox` on the scenario samples
(docs/linking.md).

samples-benign/threads (tests/gen-threads.c): every spoof and genuine reply
of its expected.tsv, checked against the history mailbox, gets its case
(A-confirmed, B or not-spoof) and, for case A, exactly the original the
table names; the same run over the Maildir inbox agrees.

samples-benign/expected.tsv gives, for every spoof of the story, its case
(A or B) and, for case A, the message of the Thunderbird profile it quotes.
Each spoof is checked against the profile: the verdict, the original
(file and index) first among the originals, the reasons, and what to do
next; the genuine replies of the profile are "not-spoof" or "undecided",
never A or B.  Then: without --mailbox a case-A quote is at best
"A-likely"; scan --mailbox puts the case on the mails it flags only; the
JSON is what the schema says.
"""
import csv
import json
import os
import tempfile
from datetime import datetime, timezone

import mhtest
from mhtest import eq, ok

SAMPLES = os.path.join(mhtest.srcdir(), 'samples-benign')
PROFILE = os.path.join(SAMPLES, 'thunderbird-profile')

with open(os.path.join(SAMPLES, 'expected.tsv'), encoding='utf-8') as f:
    ROWS = list(csv.DictReader(f, delimiter='\t'))
cases = [r for r in ROWS if r['case']]
ok(len([r for r in cases if r['case'] == 'A']) >= 3 and len([r for r in cases if r['case'] == 'B']) >= 3,
   f"expected.tsv: {len(cases)} spoofs with a case")


def check(*paths, extra=()):
    """{(file relative to samples, index): message} of `mailhunt check`."""
    rc, lines, summary, err = mhtest.scan_lines(*paths, command='check', extra=extra)
    msgs = {}
    for o in lines:
        if o.get('type') == 'message':
            rel = os.path.relpath(o['locator']['file'], SAMPLES).replace(os.sep, '/')
            msgs[(rel, o['locator']['index'])] = o
    return rc, msgs, err


def original_of(msg):
    c = msg.get('case') or {}
    if not c.get('originals'):
        return None
    o = c['originals'][0]
    return f"{os.path.relpath(o['file'], SAMPLES).replace(os.sep, '/')}#{o['index']}"


# every spoof against the profile, one run per file (the profile's own
# spoofs are in the profile: a mail must never be its own original)
files = sorted({r['path'] for r in cases})
for path in files:
    rc, msgs, err = check(os.path.join(SAMPLES, path), extra=('--mailbox', PROFILE))
    ok(rc in (1, 2) or rc == 0, f"check {path}: runs", err[-1000:])
    for row in [r for r in cases if r['path'] == path]:
        key = (path, int(row['index']))
        m = msgs.get(key)
        if not ok(m is not None and m.get('case'), f"{path} #{row['index']}: reported with a case"):
            continue
        c = m['case']
        ids = [f['id'] for f in m['findings']]
        if row['case'] == 'A':
            eq(c['verdict'], 'A-confirmed', f"{row['scenario']}: case A confirmed")
            eq(original_of(m), row['quotes'], f"{row['scenario']}: the original it quotes")
            ok('thread.stolen-quote' in ids, f"{row['scenario']}: thread.stolen-quote finding", ids)
            eq(c['holding_mailboxes'], [PROFILE], f"{row['scenario']}: the mailbox holding the thread")
            ok(c['shown_sender'], f"{row['scenario']}: the account shown as sender is named")
            ok(any('reproduces message' in r for r in c['reasons']), f"{row['scenario']}: why, in words",
               c['reasons'])
            ok(len(c['next_steps']) >= 3, f"{row['scenario']}: next steps of the guidance")
        else:
            eq(c['verdict'], 'B', f"{row['scenario']}: case B")
            eq(c['originals'], [], f"{row['scenario']}: no original")
            ok('thread.generated-reply' in ids, f"{row['scenario']}: thread.generated-reply finding", ids)
            ok(any('not necessarily infected' in r for r in c['reasons']),
               f"{row['scenario']}: says the sender shown is not necessarily infected", c['reasons'])

# the profile's genuine mails are never called A or B
rc, msgs, err = check(PROFILE, extra=('--mailbox', PROFILE))
spoofs = {(r['path'], int(r['index'])) for r in cases}
genuine = {k: m for k, m in msgs.items() if k not in spoofs}
ok(len(genuine) >= 3, f"profile: {len(genuine)} genuine mails checked")
for (path, index), m in sorted(genuine.items()):
    ok(m['case']['verdict'] in ('not-spoof', 'undecided'),
       f"genuine {path} #{index}: {m['case']['verdict']}, not A or B", m['case']['reasons'])
replies = [m for m in genuine.values() if m['case']['verdict'] == 'not-spoof']
ok(replies, f"profile: {len(replies)} genuine replies recognised as not-spoof")

# without a mailbox: a case-A quote with fitting headers is A-likely at best
a_rows = [r for r in cases if r['case'] == 'A' and not r['path'].startswith('thunderbird-profile')]
for row in a_rows:
    rc, msgs, err = check(os.path.join(SAMPLES, row['path']))
    m = msgs.get((row['path'], int(row['index'])))
    ok(m and m['case']['verdict'] in ('A-likely', 'B'),
       f"{row['scenario']} without --mailbox: not confirmed ({m and m['case']['verdict']})")
    ok(m and m['case']['originals'] == [], f"{row['scenario']} without --mailbox: no original")

# scan --mailbox: the case goes on flagged mails only
rc, lines, summary, err = mhtest.scan_lines(os.path.join(SAMPLES, 'quarantine'), extra=('--mailbox', PROFILE))
msgs = [o for o in lines if o.get('type') == 'message']
flagged = [m for m in msgs if m['severity'] in ('low', 'medium', 'high')]
ok(flagged and all(m['case'] for m in flagged), "scan --mailbox: every flagged mail has its case")
ok(all(m['case'] is None for m in msgs if m not in flagged), "scan --mailbox: unflagged mails have none")
rc, lines, summary, err = mhtest.scan_lines(os.path.join(SAMPLES, 'quarantine'))
flagged = [o for o in lines if o.get('type') == 'message' and o['severity'] in ('low', 'medium', 'high')]
ok(flagged and all(m['case'] for m in flagged), "scan without --mailbox: every flagged mail still has its case")

# text: short enough for a ticket, with the original and the next steps
row = [r for r in a_rows][0]
rc, out, err = mhtest.run('check', '--format', 'text', '--mailbox', PROFILE, os.path.join(SAMPLES, row['path']))
ok('case A-confirmed' in out and 'original: ' in out and 'likely infected: ' in out and 'next: ' in out,
   "check text: case, original, likely infected, next steps", out[-2000:])

# errors: an unreadable mailbox is named, the suspect still checked
rc, msgs, err = check(os.path.join(SAMPLES, row['path']), extra=('--mailbox', '/nonexistent/mailbox'))
eq(rc, 2, "check with a missing --mailbox: exit 2")
ok('/nonexistent/mailbox' in err, "check: the missing mailbox is named", err)
ok(len(msgs) == 1, "check: the suspect is still reported")

# the thread scenarios: every quote style, text and HTML, A, B, genuine
THREADS = os.path.join(SAMPLES, 'threads')
with open(os.path.join(THREADS, 'expected.tsv'), encoding='utf-8') as f:
    SCENARIOS = list(csv.DictReader(f, delimiter='\t'))
ok(len(SCENARIOS) >= 20, f"threads: {len(SCENARIOS)} scenarios")
HISTORY = os.path.join(THREADS, 'mbox', 'history.mbox')
rc, msgs, err = check(os.path.join(THREADS, 'eml'), extra=('--mailbox', HISTORY))
by_id = {(m['message_id'] or '').strip('<>'): m for m in msgs.values()}
want_verdict = {'A': 'A-confirmed', 'B': 'B', 'not-spoof': 'not-spoof'}
for row in SCENARIOS:
    m = by_id.get(row['message_id'].strip('<>'))
    label = os.path.basename(row['file'])
    if not ok(m is not None and m.get('case'), f"threads {label}: checked"):
        continue
    c = m['case']
    eq(c['verdict'], want_verdict[row['case']], f"threads {label}: {row['case']} ({row['quote_style']})")
    if row['case'] == 'A':
        got = c['originals'][0]['message_id'] if c['originals'] else None
        eq(got and got.strip('<>'), row['original_message_id'].strip('<>'), f"threads {label}: its original")
        eq(c['holding_mailboxes'], [HISTORY], f"threads {label}: held by the history mailbox")
    else:
        ids = [f['id'] for f in m['findings']]
        ok('thread.stolen-quote' not in ids, f"threads {label}: not called stolen", ids)
# the Maildir inbox gives the same verdicts as the .eml files
rc, inbox, err = check(os.path.join(THREADS, 'maildir'), extra=('--mailbox', HISTORY))
inbox_by_id = {(m['message_id'] or '').strip('<>'): m['case']['verdict'] for m in inbox.values()}
ids = [r['message_id'].strip('<>') for r in SCENARIOS]
eq({i: inbox_by_id.get(i) for i in ids},
   {i: by_id[i]['case']['verdict'] if i in by_id else None for i in ids}, "threads: the Maildir inbox agrees with the .eml files")

# scan alone: the messages scanned are the index.  The spoofs of the inbox
# find their originals in the history read after them, and the report is
# the same whichever comes first.
INBOX = os.path.join(THREADS, 'mbox', 'inbox.mbox')


def iso(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def scan_threads(*paths, extra=()):
    rc, lines, summary, err = mhtest.scan_lines(*paths, extra=tuple(extra))
    msgs = {(m['message_id'] or '').strip('<>'): m for m in lines if m.get('type') == 'message'
            and m['locator']['file'] == INBOX}
    threads = [o for o in lines if o.get('type') == 'thread']
    return msgs, threads, summary
scanned, threads, summary = scan_threads(INBOX, HISTORY)
for row in SCENARIOS:
    label = os.path.basename(row['file'])
    m = scanned.get(row['message_id'].strip('<>'))
    if not ok(m is not None, f"scan {label}: in the inbox"):
        continue
    verdict = m['case']['verdict'] if m['case'] else None
    if row['case'] == 'not-spoof':
        ok(verdict in (None, 'not-spoof') and m['severity'] not in ('low', 'medium', 'high'),
           f"scan {label}: a genuine reply stays unflagged ({verdict}, {m['severity']})")
        continue
    eq(verdict, want_verdict[row['case']], f"scan {label}: {row['case']} without --mailbox")
    if row['case'] == 'A':
        got = m['case']['originals'][0]['message_id'] if m['case']['originals'] else None
        eq(got and got.strip('<>'), row['original_message_id'].strip('<>'), f"scan {label}: its original")
        ok(HISTORY in m['case']['holding_mailboxes'], f"scan {label}: the history holds it",
           m['case']['holding_mailboxes'])
        ok(m['case']['thread'] and len(m['case']['thread']) == 12, f"scan {label}: names its thread")

# the stolen-thread map, checked against the messages it sums up
a_msgs = [m for m in scanned.values() if m['case'] and m['case']['verdict'] == 'A-confirmed']
eq(summary['stolen_threads'], len(threads), "map: the summary counts its threads")
eq(sorted(t['thread'] for t in threads), sorted({m['case']['thread'] for m in a_msgs}),
   "map: one thread per thread id of the case A mails")
for t in threads:
    mine = [m for m in a_msgs if m['case']['thread'] == t['thread']]
    eq(t['spoofs'], len(mine), f"map {t['thread']}: spoofs counted")
    eq(t['verdict'], 'A-confirmed', f"map {t['thread']}: confirmed")
    eq(t['originals'], sorted({m['case']['originals'][0]['message_id'] for m in mine}),
       f"map {t['thread']}: the messages quoted")
    want_people = set()
    for m in mine:
        o = m['case']['originals'][0]
        want_people |= {o['from']} | {a.strip() for a in (o['to'] or '').split(',') if a.strip()}
    eq(set(t['participants']), want_people, f"map {t['thread']}: participants of the originals")
    ok(HISTORY in t['mailboxes'], f"map {t['thread']}: held by the history", t['mailboxes'])
    dates = sorted(m['date_unix'] for m in mine)
    eq((t['first_seen'], t['last_seen']), (iso(dates[0]), iso(dates[-1])),
       f"map {t['thread']}: first and last seen")
    eq(len(t['spoof_list']), len(mine), f"map {t['thread']}: the spoofs listed")
ok(any(t['spoofs'] > 1 for t in threads), "map: some thread is reused by several spoofs",
   [(t['subject'], t['spoofs']) for t in threads])
spoofs = sorted(t['spoofs'] for t in threads)
ok(spoofs == sorted(spoofs) and [t['spoofs'] for t in threads] == sorted(spoofs, reverse=True),
   "map: most reused first")

# the order of the inputs does not change anything
scanned2, threads2, summary2 = scan_threads(HISTORY, INBOX)
eq({i: (m['case'], sorted(f['id'] for f in m['findings'])) for i, m in scanned2.items()},
   {i: (m['case'], sorted(f['id'] for f in m['findings'])) for i, m in scanned.items()},
   "scan: history first or last, the same cases and findings")
eq(threads2, threads, "scan: history first or last, the same stolen-thread map")

# the map in the other formats
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, 'threads.csv')
    rc, text, err = mhtest.run('scan', '--format', 'csv', '--thread-map', out, INBOX, HISTORY)
    with open(out, newline='', encoding='utf-8') as f:
        rows = list(csv.DictReader(f))
    eq([r['thread'] for r in rows], [t['thread'] for t in threads], "--thread-map csv: one row per thread, same order")
    eq([int(r['spoofs']) for r in rows], [t['spoofs'] for t in threads], "--thread-map csv: spoofs")
    eq([r['participants'] for r in rows], ['; '.join(t['participants']) for t in threads],
       "--thread-map csv: participants joined by '; '")
    ok(text.startswith('file,') and 'stolen thread' not in text, "csv report: messages only")
    ok(err.count('== stolen thread ') == len(threads), "csv report: the map on standard error as text")
    rc, text, err = mhtest.run('scan', '--format', 'text', INBOX, HISTORY)
    eq(text.count('== stolen thread '), len(threads), "text report: one block per thread")
    ok(text.index('== stolen thread ') < text.index('Summary'), "text report: the map before the summary")
    ok('stolen threads:   %d' % len(threads) in text, "text summary: stolen threads counted")

mhtest.done()
