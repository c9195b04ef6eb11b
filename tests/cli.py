"""The command line end to end: formats (golden files), exit statuses,
options, and a scan that goes on past unreadable input.

Golden files live in tests/data/golden; after a deliberate change of the
report, regenerate them with MH_UPDATE_GOLDEN=1 and review the diff."""
import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile

import mhtest
from mhtest import ok, eq

SRC = mhtest.srcdir()
MAIL = 'tests/data/mail'          # relative, so paths in reports are stable
GOLDEN = os.path.join(SRC, 'tests', 'data', 'golden')


def run_in_src(*args):
    p = subprocess.run([mhtest.mailhunt(), *args], cwd=SRC, capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def mask(text):
    """Elapsed time is the one thing that differs between runs."""
    text = re.sub(r'elapsed: +[0-9.]+ s', 'elapsed: X s', text)
    return re.sub(r'"elapsed_seconds":[0-9.e+-]+', '"elapsed_seconds":0', text)


# ---- golden files: one per format ----
for fmt, name in (('text', 'scan-all.txt'), ('jsonl', 'scan-all.jsonl'), ('csv', 'scan-all.csv')):
    rc, out, err = run_in_src('scan', '--all', '--format', fmt, MAIL)
    eq(rc, 1, f"{fmt}: exit status 1 (something flagged)")
    got = mask(out)
    path = os.path.join(GOLDEN, name)
    if os.environ.get('MH_UPDATE_GOLDEN'):
        with open(path, 'w', newline='') as f:
            f.write(got)
    with open(path, newline='') as f:
        expected = f.read()
    ok(got == expected, f"{fmt}: output matches {name}",
       '\n'.join(l for l in __import__('difflib').unified_diff(
           expected.splitlines(), got.splitlines(), 'expected', 'got', lineterm=''))[:4000])

# flagged only (the default) is the same report less the clean messages
rc, out, err = run_in_src('scan', '--format', 'jsonl', MAIL)
objs = [json.loads(l) for l in out.splitlines()]
messages = [o for o in objs if o['type'] == 'message']
eq(len(messages), 2, "without --all only the 2 flagged messages are reported")
ok(all(m['severity'] in ('low', 'medium', 'high') for m in messages), "every reported message has a severity")
eq(objs[-1]['type'], 'summary', "the summary object comes last")
eq(objs[-1]['messages'], 6, "the summary still counts all 6 messages")
eq(objs[-1]['deleted_messages'], 2, "Thunderbird-expunged and Maildir-trashed messages are counted as deleted")
eq(objs[-1]['skipped_total'], 1, "the analyst's note is skipped ...")
ok('not a mail format' in objs[-1]['skipped'][0]['reason'], "... with a reason")

# ---- facts of the report, read through JSON ----
rc, msgs, summary, err = mhtest.scan(os.path.join(SRC, MAIL))
by_id = {m['message_id']: m for m in msgs}
spoof = by_id['spoof-1@attacker.example.net']
eq(spoof['subject'], 'RE: 御見積', "ISO-2022-JP subject decoded")
eq(spoof['attachments'][0]['filename'], '請求書.doc', "RFC 2047 file name in quotes decoded")
eq(spoof['locator']['folder'], 'inbox.mbox', "an mbox file is a folder")
eq(spoof['locator']['index'], 1, "message index in the mbox")
eq(sorted({f['id'] for f in spoof['findings']}),
   ['header.authentication-failure', 'header.display-name-address',
    'header.reply-to-mismatch', 'header.reply-without-reference', 'thread.generated-reply'],
   "findings on the spoofed reply (case B: its quote is in no mailbox scanned)")
eq(spoof['case'] and spoof['case']['verdict'], 'B', "scan gives the flagged spoof its case")
first = by_id['orig-1@example.co.jp']
eq(first['from']['name'], '山田花子', "ISO-2022-JP display name decoded")
eq(first['locator']['offset'], 33, "offset points after the From_ line")
with open(os.path.join(SRC, MAIL, 'inbox.mbox'), 'rb') as f:
    raw = f.read()
ok(raw[first['locator']['offset']:].startswith(b'X-Mozilla-Status: 0001'), "the offset is the message's first byte in the file")
eq(by_id['del-1@example.com']['locator']['deleted'], True, "X-Mozilla-Status 0009 means deleted")
eq(by_id['t-1@example.com']['locator']['deleted'], True, "Maildir T flag means deleted")
eq(by_id['t-1@example.com']['locator']['folder'], 'maildir', "Maildir messages carry the Maildir folder")
eq(by_id['gz-1@example.com']['locator']['container'], 'gzip', "gzip-compressed input is read and marked")
eq(by_id['lunch-2@example.com']['findings'], [], "a reply with In-Reply-To is not flagged")

# ---- options, exit statuses, help ----
rc, out, err = mhtest.run('--help')
ok(rc == 0 and 'Exit status' in out and 'scan' in out, "--help lists commands and exit statuses")
rc, out, err = mhtest.run('help', 'scan')
ok(rc == 0 and '--format' in out and '--max-message-size' in out, "help scan documents the options")
rc, out, err = mhtest.run('scan', '--help')
ok(rc == 0 and '--format' in out, "scan --help too")
rc, out, err = mhtest.run('--version')
ok(rc == 0 and re.match(r'mailhunt \d+\.\d+', out), "--version")
rc, out, err = mhtest.run('scan')
eq(rc, 2, "scan without a path is a usage error (2)")
rc, out, err = mhtest.run('scan', '--format', 'xml', os.path.join(SRC, MAIL))
eq(rc, 2, "an unknown format is a usage error (2)")
rc, out, err = mhtest.run('frobnicate')
eq(rc, 2, "an unknown command is a usage error (2)")

tmp = tempfile.mkdtemp()
try:
    clean = os.path.join(tmp, 'clean.eml')
    with open(clean, 'w') as f:
        f.write('From: a@example.com\nTo: b@example.com\nSubject: hello\nMessage-ID: <c@example.com>\n\nhi\n')
    rc, out, err = mhtest.run('scan', '--format', 'jsonl', clean)
    eq(rc, 0, "nothing flagged: exit status 0")

    report = os.path.join(tmp, 'report.csv')
    rc, out, err = mhtest.run('scan', '--format', 'csv', '-o', report, os.path.join(SRC, MAIL))
    eq(rc, 1, "-o: exit status still reports the flag")
    eq(out, '', "-o: nothing on standard output")
    ok('Summary' in err, "csv: the summary goes to standard error")
    with open(report, newline='') as f:
        rows = f.read().split('\r\n')
    ok(rows[0].startswith('file,container,folder,index'), "csv header row")
    eq(len([r for r in rows[1:] if r]), 7, "csv: one row per finding (6 + 1)")

    # findings on an attached message get CSV rows naming its MIME part
    fwd = os.path.join(tmp, 'fwd.eml')
    with open(fwd, 'w') as f:
        f.write('From: a@example.com\nSubject: fwd\nContent-Type: message/rfc822\n\n'
                'From: "x@example.org" <y@evil.example>\nSubject: inner\n\nbody\n')
    rc, out, err = mhtest.run('scan', '--format', 'csv', fwd)
    eq(rc, 1, "a finding on an attached message flags the mail")
    rows = out.split('\r\n')
    ok(any('"1","header.display-name-address"' in r and '"inner"' in r for r in rows),
       "csv: the attached message's finding is a row with part 1 and its subject", out)
    rc, out, err = mhtest.run('scan', '--format', 'jsonl', fwd)
    top = json.loads(out.splitlines()[0])
    eq([f['id'] for f in top['attachments'][0]['message']['findings']], ['header.display-name-address'],
       "jsonl: the finding sits on the attached message")

    rc, out, err = mhtest.run('scan', '--quiet', '--format', 'csv', os.path.join(tmp, 'missing'), clean)
    eq(err, '', "--quiet: nothing on standard error")

    # an unreadable input: named on stderr, exit 2, the rest still reported
    rc, out, err = mhtest.run('scan', '--format', 'jsonl', '--all', os.path.join(tmp, 'missing'), clean)
    eq(rc, 2, "a missing input: exit status 2")
    ok('missing' in err and 'No such file' in err, "the error names the file and the cause", err)
    lines = [json.loads(l) for l in out.splitlines()]
    eq([l['subject'] for l in lines if l['type'] == 'message'], ['hello'], "the readable input is still reported")
    eq(lines[-1]['errors_total'], 1, "the summary counts the read error")

    # an oversized message among good ones: reported as an error, the others read
    box = os.path.join(tmp, 'big.mbox')
    with open(box, 'w') as f:
        f.write('From - Mon Jun 01 10:00:00 2009\nFrom: a@example.com\nSubject: small 1\n\nx\n\n')
        f.write('From - Mon Jun 01 10:00:00 2009\nFrom: a@example.com\nSubject: big\n\n' + 'y' * 5000 + '\n\n')
        f.write('From - Mon Jun 01 10:00:00 2009\nFrom: a@example.com\nSubject: small 2\n\nz\n')
    rc, out, err = mhtest.run('scan', '--format', 'jsonl', '--all', '--max-message-size', '1000', box)
    lines = [json.loads(l) for l in out.splitlines()]
    eq([l['subject'] for l in lines if l['type'] == 'message'], ['small 1', 'small 2'], "messages around an oversized one are read")
    eq(rc, 2, "an oversized message is a read error (2)")
    ok('message #1' in err and 'cap' in err, "the error names the message and the cap", err)

    # a corrupt gzip: error, not a crash; the other input still read
    bad = os.path.join(tmp, 'bad.eml.gz')
    data = gzip.compress(b'From: a@example.com\nSubject: cut\n\n' + b'x' * 10000, mtime=0)
    with open(bad, 'wb') as f:
        f.write(data[:len(data) // 2])
    rc, out, err = mhtest.run('scan', '--format', 'jsonl', '--all', bad, clean)
    eq(rc, 2, "a truncated gzip is a read error (2)")
    ok(bad in err, "the error names the truncated file", err)
    ok(any(json.loads(l).get('subject') == 'hello' for l in out.splitlines()), "the next input is still read")

    # small files are read whole, larger ones (over 1 MiB) streamed: the
    # same mbox read both ways reports its messages the same
    src_box = os.path.join(SRC, MAIL, 'inbox.mbox')
    with open(src_box, 'rb') as f:
        inbox = f.read()
    padded = os.path.join(tmp, 'padded.mbox')
    with open(padded, 'wb') as f:
        # the padding first: the inbox's last message keeps its end
        f.write(b'From - Mon Jun 01 10:00:00 2009\nFrom: pad@example.com\nSubject: padding\n\n'
                + (b'p' * 75 + b'\n') * 15000 + b'\n')
        f.write(inbox)
    ok(os.path.getsize(padded) > (1 << 20), "the padded mbox is over 1 MiB (streamed)")
    def messages_of(path):
        rc, out, err = mhtest.run('scan', '--format', 'jsonl', '--all', '--jobs', '1', path)
        msgs = [json.loads(l) for l in out.splitlines() if json.loads(l)['type'] == 'message']
        for m in msgs:
            m.pop('file', None)
            m.get('locator', {}).pop('file', None)
            for where in ('folder', 'index', 'offset'):   # the file's name, the padding before
                m.get('locator', {}).pop(where, None)
        return [m for m in msgs if m.get('subject') != 'padding']
    small_read = messages_of(src_box)
    ok(len(small_read) > 0, "the inbox has messages")
    eq(messages_of(padded), small_read, "read whole or streamed, the same messages are reported the same")

    # inputs are evidence: never modified
    before = {p: (os.stat(p).st_mtime_ns, os.stat(p).st_size) for p in (clean, box, bad)}
    mhtest.run('scan', '--format', 'jsonl', clean, box, bad)
    eq({p: (os.stat(p).st_mtime_ns, os.stat(p).st_size) for p in before}, before, "inputs are not modified")
finally:
    shutil.rmtree(tmp)

mhtest.done()
