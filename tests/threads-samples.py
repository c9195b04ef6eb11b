"""samples-benign/threads/: the stolen-thread scenarios are what gen-threads
writes, and they are what expected.tsv says, checked here independently of
the generator and of mailhunt's link stage.

(i)   gen-threads runs twice into temporary directories: both runs must be
      byte-identical (fixed dates and ids, no clock, no randomness), and so
      must the committed files.
(ii)  Every mail parses with Python's email package without defects; the
      mboxes are mboxrd with correct "From " lines; every row of
      expected.tsv names an .eml with that Message-ID and From; a case A
      spoof contains, once quote marks, tags and white space are gone, the
      text of the history message it names, and no reference to the
      history; a case B spoof contains no history message's text; a genuine
      reply answers a history message (In-Reply-To, References) from one of
      its participants and quotes it; the Maildir, inbox.mbox and eml/ hold
      the same messages.
(iii) `mailhunt scan --all --format jsonl samples-benign/threads` reads
      every message without an error.
"""
import csv
import email
import email.policy
import email.utils
import html.parser
import os
import re
import subprocess
import tempfile

import mhtest
from mhtest import eq, ok

SRC = mhtest.srcdir()
THREADS = os.path.join(SRC, 'samples-benign', 'threads')
GENERATOR = os.path.join(os.environ.get('MH_BUILDDIR', SRC), 'tests', 'gen-threads')
COLUMNS = ['file', 'message_id', 'case', 'quote_style', 'original_message_id', 'original_mailbox', 'from', 'why']
REPLY_PREFIX = re.compile(r'^(Re|RE|返信): ')
# a quote style of expected.tsv and a string its introduction must hold
STYLE_MARKS = {
    'outlook': '-----Original Message-----\nFrom: ',
    'outlook-ja': '\n差出人: ',
    'outlook-separator': '________________________________\nFrom: ',
    'thunderbird': ' wrote:\n> ',
    'thunderbird-ja': ' さんは書きました:\n> ',
    'gmail-ja': ' さんは書きました:\n> ',
    'outlook-separator/html': '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>From:</b>',
    'outlook-ja/html': '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>差出人:</b>',
    'thunderbird/html': '<blockquote type="cite"',
    'thunderbird-ja/html': 'さんは書きました:<br>\n</div>\n<blockquote type="cite"',
    'gmail-ja/html': 'さんは書きました:<br></div><blockquote class="gmail_quote"',
}


def tree(root):
    files = {}
    for d, dirs, names in os.walk(root):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(d, n)
            with open(p, 'rb') as f:
                files[os.path.relpath(p, root)] = f.read()
    return files


def generate(out):
    p = subprocess.run([GENERATOR, out, SRC], capture_output=True, timeout=120)
    return p.returncode, p.stderr.decode('utf-8', 'replace')


# ---- (i) the generator is deterministic and the committed files are its output ----

if not ok(os.access(GENERATOR, os.X_OK), "gen-threads is built", GENERATOR):
    mhtest.done()

with tempfile.TemporaryDirectory(prefix='mh-threads-') as tmp:
    run1, run2 = os.path.join(tmp, 'run1'), os.path.join(tmp, 'run2')
    rc1, err1 = generate(run1)
    rc2, err2 = generate(run2)
    eq((rc1, rc2), (0, 0), "gen-threads exits 0 (twice)")
    ok(not err1 and not err2, "gen-threads writes nothing on stderr", err1 + err2)
    fresh = tree(run1)
    ok(fresh == tree(run2), "two runs of gen-threads are byte-identical",
       "differing: " + ", ".join(sorted(n for n, b in tree(run2).items() if fresh.get(n) != b)))
    ok(os.path.isdir(os.path.join(run1, 'maildir', 'tmp')) and not os.listdir(os.path.join(run1, 'maildir', 'tmp')),
       "gen-threads creates the empty maildir/tmp/")
    committed = tree(THREADS) if os.path.isdir(THREADS) else {}
    eq(sorted(committed), sorted(fresh),
       "samples-benign/threads has the files of a fresh run (else: make thread-samples)")
    differing = sorted(n for n in fresh if n in committed and committed[n] != fresh[n])
    ok(not differing, "every committed file of samples-benign/threads matches the generator",
       "differing (run `make thread-samples`): " + ", ".join(differing))
    ok(subprocess.run([GENERATOR, os.path.join(tmp, 'bad2'), os.path.join(tmp, 'nowhere')],
                      capture_output=True, timeout=60).returncode != 0,
       "gen-threads fails when the Office samples are not under SOURCE-DIRECTORY")

if not committed:
    mhtest.done()


# ---- (ii) structure ----

class TextOfHtml(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def html_text(markup):
    p = TextOfHtml()
    p.feed(markup)
    p.close()
    return ''.join(p.parts)


def normalise(text):
    """Quote marks ('>'), Outlook's rule of underscores and all white space
    (re-wrapping included) removed: what is left of a text through any
    client's quoting."""
    return ''.join(c for c in text if not c.isspace() and c not in '>_')


def parse(data):
    return email.message_from_bytes(data, policy=email.policy.default)


def defects(msg):
    found = []
    for part in msg.walk():
        found += [type(d).__name__ for d in part.defects]
        try:
            if part.get_content_maintype() == 'text' or part.get_content_disposition() == 'attachment':
                part.get_content()
        except Exception as e:   # a charset or transfer encoding Python cannot decode
            found.append(f"{part.get_content_type()}: {e}")
    return found


def texts(msg):
    """The decoded body texts (HTML as text) of msg, attachments left out."""
    out = []
    for part in msg.walk():
        if part.get_content_disposition() == 'attachment':
            continue
        if part.get_content_type() == 'text/plain':
            out.append(part.get_content())
        elif part.get_content_type() == 'text/html':
            out.append(html_text(part.get_content()))
    return out


def raw_bodies(msg):
    return [p.get_content() for p in msg.walk()
            if p.get_content_maintype() == 'text' and p.get_content_disposition() != 'attachment']


def split_mboxrd(data, name):
    """Messages of an mboxrd file, unescaped; checks the "From " lines."""
    problems, messages = [], []
    lines = data.split(b'\n')
    if lines and lines[-1] == b'':
        lines.pop()
    current = None
    for i, line in enumerate(lines):
        if line.startswith(b'From '):
            if i > 0 and lines[i - 1] != b'':
                problems.append(f"{name}: line {i + 1}: a \"From \" line not after a blank line")
            if not re.match(rb'^From \S+@\S+ [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d \d{4}$', line):
                problems.append(f"{name}: line {i + 1}: not an mbox separator: {line[:60]!r}")
            if current is not None:
                messages.append(current)
            current = []
            continue
        if current is None:
            problems.append(f"{name}: text before the first \"From \" line")
            current = []
        m = re.match(rb'^(>+)From ', line)
        current.append(line[1:] if m else line)
    if current is not None:
        messages.append(current)
    out = []
    for msg_lines in messages:
        # the blank line in front of the next "From " line is the separator's
        if msg_lines and msg_lines[-1] == b'':
            msg_lines = msg_lines[:-1]
        else:
            problems.append(f"{name}: a message without the blank line before the next")
        out.append(b'\n'.join(msg_lines) + b'\n')
    return out, problems


def read(rel):
    with open(os.path.join(THREADS, rel), 'rb') as f:
        return f.read()


history_raw, problems = split_mboxrd(read('mbox/history.mbox'), 'history.mbox')
inbox_raw, more = split_mboxrd(read('mbox/inbox.mbox'), 'inbox.mbox')
ok(not problems + more, "history.mbox and inbox.mbox are well-formed mboxrd", "\n".join(problems + more))
ok(b'\n>From November on' in read('mbox/history.mbox') and b'\nFrom November on' not in read('mbox/history.mbox'),
   "a body line starting with \"From \" is escaped in the mbox")

bad = []
for name, data in [(f"history.mbox #{i}", d) for i, d in enumerate(history_raw)] + \
        [(f"inbox.mbox #{i}", d) for i, d in enumerate(inbox_raw)] + \
        [(n, b) for n, b in committed.items() if n.startswith(('eml/', 'maildir/'))]:
    try:
        d = defects(parse(data))
        if d:
            bad.append(f"{name}: {', '.join(d)}")
    except Exception as e:
        bad.append(f"{name}: {e}")
ok(not bad, "every mail parses with Python's email package, without defects", "\n".join(bad))

# the history: one thread per root, every reply quotes its parent
history = {}
for data in history_raw:
    msg = parse(data)
    history[msg['Message-ID']] = msg
eq(len(history), len(history_raw), "the Message-IDs of the history are unique")
threads, unquoted, orphans = {}, [], []
for mid, msg in history.items():
    parent_id = msg['In-Reply-To']
    if parent_id is None:
        threads[mid] = 1
        continue
    parent = history.get(parent_id)
    if parent is None:
        orphans.append(mid)
        continue
    root = msg['References'].split()[0]
    threads[root] = threads.get(root, 0) + 1
    if not any(normalise(p) in normalise(t) for p in texts(parent) for t in texts(msg)):
        unquoted.append(mid)
ok(not orphans, "every reply of the history answers a message of the history", "\n".join(orphans))
ok(not unquoted, "every reply of the history quotes its parent's whole text", "\n".join(unquoted))
eq(len(threads), 12, "the history holds 12 threads")
ok(all(2 <= n <= 5 for n in threads.values()), "each thread has 2 to 5 messages", repr(threads))
ok(any('ISO-2022-JP' in (p.get_content_charset() or '').upper()
       for m in history.values() for p in m.walk()), "the history has ISO-2022-JP mail")
history_senders = {email.utils.parseaddr(m['From'])[1].lower() for m in history.values()}
history_texts = [normalise(t) for m in history.values() for t in texts(m)]

# expected.tsv
with open(os.path.join(THREADS, 'expected.tsv'), newline='', encoding='utf-8') as f:
    reader = csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE)
    rows = list(reader)
    eq(reader.fieldnames, COLUMNS, "expected.tsv columns")
cases = [r['case'] for r in rows]
ok(cases.count('A') >= 10 and cases.count('B') >= 6 and cases.count('not-spoof') >= 4
   and set(cases) == {'A', 'B', 'not-spoof'}, "expected.tsv: 10+ case A, 6+ case B, 4+ genuine rows", repr(cases))
eq(sorted(set(STYLE_MARKS) - {r['quote_style'] for r in rows if r['case'] == 'A'}), [],
   "case A covers every quote style, text and HTML")

eml_bytes = {}
for row in rows:
    where = row['file']
    path = os.path.join(THREADS, row['file'])
    if not ok(os.path.isfile(path), f"{where}: exists"):
        continue
    data = read(row['file'])
    eml_bytes[row['file']] = data
    msg = parse(data)
    eq(msg['Message-ID'], row['message_id'], f"{where}: Message-ID")
    name, addr = email.utils.parseaddr(msg['From'])
    eq(f"{name} <{addr}>", row['from'], f"{where}: From")
    subject = str(msg['Subject'])
    ok(REPLY_PREFIX.match(subject), f"{where}: a reply's subject", subject)
    raw = ''.join(raw_bodies(msg))
    if row['quote_style'] != '-':
        ok(STYLE_MARKS[row['quote_style']] in raw, f"{where}: quoted in the style {row['quote_style']}")
    bodies = [normalise(t) for t in texts(msg)]
    refs = (msg['In-Reply-To'] or '').split() + (msg['References'] or '').split()

    if row['case'] in ('A', 'not-spoof'):
        original = history.get(row['original_message_id'])
        eq(row['original_mailbox'], 'history.mbox', f"{where}: the original is in history.mbox")
        if not ok(original is not None, f"{where}: the original is a message of history.mbox"):
            continue
        base = REPLY_PREFIX.sub('', str(original['Subject']))
        ok(base in subject, f"{where}: the subject is the original's", f"{subject!r} vs {base!r}")
        ok(any(normalise(t) in b for t in texts(original) for b in bodies),
           f"{where}: holds the original's whole text (quote marks, line breaks and white space aside)")
    if row['case'] == 'A':
        ok(addr.lower() not in history_senders, f"{where}: not sent from a real correspondent's address", addr)
        ok(not [r for r in refs if r in history], f"{where}: no In-Reply-To/References to the history", refs)
    elif row['case'] == 'B':
        eq((row['original_message_id'], row['original_mailbox']), ('-', '-'), f"{where}: no original")
        ok(addr.lower() not in history_senders or row['quote_style'] != '-',
           f"{where}: not sent from a real correspondent's address", addr)
        ok(not [r for r in refs if r in history], f"{where}: no In-Reply-To/References to the history", refs)
        ok(not any(h in b for h in history_texts for b in bodies), f"{where}: holds no history message's text")
    elif row['case'] == 'not-spoof':
        eq(msg['In-Reply-To'], row['original_message_id'], f"{where}: In-Reply-To names the original")
        ok(msg['References'] is not None and msg['References'].split()[-1] == msg['In-Reply-To'],
           f"{where}: References ends with the original")
        original = history[row['original_message_id']]
        participants = {a.lower() for _, a in email.utils.getaddresses(
            [str(v) for h in ('From', 'To', 'Cc') for v in original.get_all(h, [])])}
        ok(addr.lower() in participants, f"{where}: From is a participant of the original's thread",
           f"{addr} not in {sorted(participants)}")

# the inbox three times: mbox, Maildir, eml/
maildir_by_time = [b for _, b in sorted((os.path.basename(n), committed[n]) for n in committed
                                         if n.startswith('maildir/'))]
eq(len(maildir_by_time), len(inbox_raw), "the Maildir holds as many messages as inbox.mbox")
ok(maildir_by_time == inbox_raw, "the Maildir holds the messages of inbox.mbox, byte for byte, in the same order")
ok(all(n.startswith(('maildir/cur/', 'maildir/new/')) for n in committed if n.startswith('maildir/')),
   "Maildir files are in cur/ and new/")
ok(all(re.match(r'^\d{10}\.M\d+P\d+\.mx\.example\.com(:2,S)?$', os.path.basename(n))
       for n in committed if n.startswith('maildir/')), "Maildir file names are time.MnPn.host[:2,S]")
eq(sorted(eml_bytes.values()), sorted(b for b in inbox_raw if parse(b)['Message-ID'] not in history),
   "eml/ holds the inbox messages that are not in the history, byte for byte")
copies = [b for b in inbox_raw if parse(b)['Message-ID'] in history]
ok(copies and all(b in history_raw for b in copies), "the inbox's history messages are the history's, byte for byte")
eq(sorted(n for n in committed if n.startswith('eml/')), sorted(eml_bytes), "eml/ holds only the files of expected.tsv")


# ---- (iii) mailhunt reads it all ----

rc, messages, summary, err = mhtest.scan(THREADS)
ok(rc in (0, 1), "scan exits 0 or 1", f"exit {rc}: {err[-2000:]}")
summary = summary or {}
eq(summary.get('errors_total'), 0, "no read errors")
count = {}
for m in messages:
    rel = os.path.relpath(m['locator']['file'], THREADS)
    key = 'maildir' if rel.startswith('maildir') else 'eml' if rel.startswith('eml') else rel
    count[key] = count.get(key, 0) + 1
eq(count.get(os.path.join('mbox', 'inbox.mbox')), len(inbox_raw), "every message of inbox.mbox is reported")
eq(count.get(os.path.join('mbox', 'history.mbox')), len(history_raw), "every message of history.mbox is reported")
eq(count.get('maildir'), len(maildir_by_time), "every Maildir message is reported")
eq(count.get('eml'), len(eml_bytes), "every .eml is reported")
inbox_ids = [m['message_id'] for m in messages if m['locator']['file'].endswith('inbox.mbox')]
eq(['<' + i + '>' for i in inbox_ids], [parse(b)['Message-ID'] for b in inbox_raw],
   "inbox.mbox: the Message-IDs in order")
skipped = sorted(os.path.relpath(s['file'], THREADS) for s in summary.get('skipped', []))
eq(skipped, ['README.md', 'expected.tsv'], "only README.md and expected.tsv are skipped")

mhtest.done()
