"""Bulk scanning (docs/bulk.md): worker processes, mbox ranges, shards, merge.

The promise is equality: whatever --jobs is, however an mbox is cut into
ranges, however the inputs are split into shards and in whichever order
their records are merged, the report is the one a single process makes
of the same inputs (the elapsed time and the time spent in OCR aside).
It is checked on all of samples-benign/ in the three formats, and on a
generated mbox cut into ranges of 64 KiB.  Then: --files-from, a worker
killed in the middle of an input, the progress line, --summary-only,
and the GNU parallel recipe of docs/bulk.md, run as written.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import mhtest
from mhtest import eq, ok

SRC = mhtest.srcdir()
SAMPLES = os.path.join(SRC, 'samples-benign')
GEN_MBOX = os.path.join(SRC, 'tests', 'bench', 'gen-mbox.py')


def timeless(text, fmt):
    """The report without what measures time."""
    if fmt == 'jsonl':
        out = []
        for line in text.splitlines():
            obj = json.loads(line)
            if obj.get('type') == 'summary':
                obj.pop('elapsed_seconds', None)
                obj['pictures'].pop('ocr_seconds', None)
            out.append(obj)
        return out
    if fmt == 'text':
        return [line for line in text.splitlines()
                if not line.startswith('  elapsed:') and not line.startswith('  pictures:')]
    return text


def difference(one, other):
    """Where two reports part: the first line that differs, or their lengths."""
    return next((f"line {i}: {a!r:.300} != {b!r:.300}" for i, (a, b) in enumerate(zip(one, other)) if a != b),
                f"{len(one)} lines against {len(other)}")


def scan(*args, fmt='jsonl'):
    rc, out, err = mhtest.run('scan', '--format', fmt, '--no-progress', *args)
    return rc, timeless(out, fmt), err


# -- --jobs: the same report in every format --------------------------------
for fmt in ('jsonl', 'text', 'csv'):
    rc1, one, err1 = scan('--all', '--jobs', '1', SAMPLES, fmt=fmt)
    ok(len(one) > 100, f"{fmt}: --jobs 1 reports the samples ({len(one)} lines)")
    for jobs in (('2', '3') if fmt == 'jsonl' else ('2',)):
        rc, many, err = scan('--all', '--jobs', jobs, SAMPLES, fmt=fmt)
        eq(rc, rc1, f"{fmt}: --jobs {jobs}: the same exit status")
        ok(many == one, f"{fmt}: --jobs {jobs}: the same report as --jobs 1",
           difference(one, many))
rc, one, err = scan('--jobs', '1', SAMPLES)
rc, two, err = scan('--jobs', '2', SAMPLES)
ok(one == two, "jsonl, flagged only: --jobs 2 as --jobs 1")
threads = [o for o in one if o.get('type') == 'thread']
ok(len(threads) >= 5, f"the samples give a stolen-thread map ({len(threads)} threads), the same with workers")

with tempfile.TemporaryDirectory() as tmp:
    # -- a document after a flagged mail: a worker's document line goes to
    # the report as it is, and still after the mail, which waits for linking
    mixed = os.path.join(tmp, 'mixed')
    os.mkdir(mixed)
    shutil.copy(os.path.join(SAMPLES, 'quarantine', '20191204-0002.eml.gz'), os.path.join(mixed, 'a.eml.gz'))
    shutil.copy(os.path.join(SAMPLES, 'lures', 'enable-macros-en-text.docx'), os.path.join(mixed, 'b.docx'))
    rc, one, err = scan('--jobs', '1', mixed)
    eq([o.get('type') for o in one if o.get('type') in ('message', 'document')], ['message', 'document'],
       "a flagged mail, then a document: both reported, in that order")
    rc, two, err = scan('--jobs', '2', mixed)
    ok(two == one, "a document after a flagged mail: --jobs 2 as --jobs 1",
       difference(one, two))

    # -- more flagged mails than one batch of linking (256): they are linked
    # by as many threads as --jobs, their jsonl lines written by the threads,
    # and must come out in the order of the inputs, as one thread prints them
    many = os.path.join(tmp, 'many')
    shutil.copytree(os.path.join(SAMPLES, 'threads', 'mbox'), os.path.join(many, 'mbox'))
    spoofs = sorted(os.listdir(os.path.join(SAMPLES, 'threads', 'eml')))
    for copy in range(16):
        os.makedirs(os.path.join(many, f'copy{copy:02d}'))
        for name in spoofs:
            shutil.copy(os.path.join(SAMPLES, 'threads', 'eml', name), os.path.join(many, f'copy{copy:02d}', name))
    rc1, one, err = scan('--show-code', '--jobs', '1', many)
    flagged = [o for o in one if o.get('type') == 'message']
    ok(len(flagged) > 300, f"{len(flagged)} flagged mails wait for linking")
    places = [(o['locator']['file'], o['locator']['index']) for o in flagged]
    ok(places == sorted(places), "linked and reported in the order of the inputs (names sorted, then index)",
       next((f"{a} before {b}" for a, b in zip(places, places[1:]) if a > b), None))
    ok(sum(o['case']['verdict'].startswith('A') for o in flagged) >= 16 * 5,
       "the copies of the stolen-thread spoofs are linked to their originals (case A)",
       sorted({o['case']['verdict'] for o in flagged}))
    for jobs in ('2', '3'):
        rc, many_jobs, err = scan('--show-code', '--jobs', jobs, many)
        ok(many_jobs == one, f"{len(flagged)} flagged mails, jsonl, --jobs {jobs}: as --jobs 1",
           difference(one, many_jobs))
    ok(scan('--jobs', '2', many, fmt='text')[1] == scan('--jobs', '1', many, fmt='text')[1],
       f"{len(flagged)} flagged mails, text: --jobs 2 as --jobs 1")

    # -- an mbox cut into ranges: the same messages, the same indexes ------
    mbox = os.path.join(tmp, 'big.mbox')
    subprocess.run([sys.executable, GEN_MBOX, '--size-mb', '3', '--out', mbox], check=True,
                   capture_output=True)
    rc, whole, err = scan('--all', '--jobs', '1', mbox)
    msgs = [o for o in whole if o.get('type') == 'message']
    ok(len(msgs) > 40, f"the generated mbox holds {len(msgs)} messages")
    eq([m['locator']['index'] for m in msgs], list(range(len(msgs))), "read whole: indexes 0..n-1")
    for jobs, size in (('1', '65536'), ('2', '64K'), ('2', '1M')):
        rc, ranges, err = scan('--all', '--jobs', jobs, '--split-size', size, mbox)
        ok(ranges == whole, f"--split-size {size}, --jobs {jobs}: the same report as reading it whole",
           difference(whole, ranges))
    # flagged mails of later ranges wait for linking with their ranges' indexes
    threads_mbox = os.path.join(SAMPLES, 'threads', 'mbox')
    rc, flagged, err = scan('--jobs', '1', threads_mbox)
    ok(sum(o.get('type') == 'message' and o['locator']['index'] > 0 for o in flagged) >= 5,
       "the thread samples' mboxes have flagged mails past their first message")
    rc, ranges, err = scan('--jobs', '2', '--split-size', '16K', threads_mbox)
    ok(ranges == flagged, "flagged only, --split-size 16K, --jobs 2: the same report as --jobs 1",
       difference(flagged, ranges))
    # a size the analyst mistyped is refused, not read as something else
    for bad in ('64Q', 'M', '-1', '99999999999999999999G'):
        rc, out, err = mhtest.run('scan', '--split-size', bad, mbox)
        ok(rc == 2 and '--split-size takes a number of bytes' in err,
           f"--split-size {bad}: refused with exit 2", (rc, err))
    rc, out, err = mhtest.run('scan', '--all', '--no-progress', '--format', 'jsonl', '--max-message-size', '2K', mbox)
    ok(rc == 2 and 'more than the cap of 2048' in err, "--max-message-size 2K: larger messages are read errors",
       (rc, err[:300]))

    # -- shards and merge ---------------------------------------------------
    records = []
    for i in (1, 2, 3):
        path = os.path.join(tmp, f'shard{i}.jsonl')
        rc, out, err = mhtest.run('scan', '--all', '--no-progress', '--shard', f'{i}/3', '--format', 'records',
                                  '--split-size', '65536', '-o', path, SAMPLES, mbox)
        eq(rc, 0, f"shard {i}/3: records written (exit 0: nothing is judged yet)")
        records.append(path)
    units = []
    for path in records:
        with open(path, encoding='utf-8') as f:
            units.append({json.loads(line)['unit'] for line in f if line.startswith('{"type":"unit"')})
    ok(all(units) and not (units[0] & units[1]) and not (units[1] & units[2]) and not (units[0] & units[2]),
       "every unit is in one shard only", [sorted(u) for u in units])
    rc_single, single, err = scan('--all', '--jobs', '1', SAMPLES, mbox)
    for order in ((0, 1, 2), (2, 0, 1)):
        rc, out, err = mhtest.run('merge', '--all', '--format', 'jsonl', *[records[k] for k in order])
        eq(rc, rc_single, f"merge {order}: the exit status of the single scan")
        merged = timeless(out, 'jsonl')
        ok(merged == single, f"merge of the shards in the order {order}: the single scan's report",
           difference(single, merged))
    rc, out, err = mhtest.run('merge', '--all', '--format', 'text', *records)
    rc, text, err2 = scan('--all', '--jobs', '1', SAMPLES, mbox, fmt='text')
    ok(timeless(out, 'text') == text, "merge --format text: the single scan's text report")
    # a shard missing: its inputs are missing, the rest is merged
    rc, out, err = mhtest.run('merge', '--format', 'jsonl', records[0], records[1])
    summary = json.loads(out.splitlines()[-1])
    ok(0 < summary['messages'] < single[-1]['messages'], "merge of 2 of 3 shards: part of the messages",
       summary['messages'])
    # records that are not records
    bad = os.path.join(tmp, 'bad.jsonl')
    with open(bad, 'w') as f:
        f.write('{"type":"unit","unit":0,"key":"k","path":"p","root":"r","range":0,"ranges":1}\n'
                '{"type":"indexed","mailbox":7}\nnot json\n')
    rc, out, err = mhtest.run('merge', '--format', 'jsonl', bad)
    eq(rc, 2, "merge of broken records: exit 2")
    ok('bad.jsonl' in err and 'mailbox' in err, "the broken record is named with its member", err)
    ok('cut short' in err, "a unit without its end is reported as cut short", err)

    # -- --files-from: newline and NUL separated ------------------------------
    names = sorted(os.path.join(SAMPLES, 'quarantine', n) for n in os.listdir(os.path.join(SAMPLES, 'quarantine')))
    rc, direct, err = scan('--all', *names)
    for sep, label in (('\n', 'newlines'), ('\0', 'NUL')):
        listing = os.path.join(tmp, 'list')
        with open(listing, 'w') as f:
            f.write(sep.join(names) + sep)
        rc, listed, err = scan('--all', '--files-from', listing)
        ok(listed == direct, f"--files-from with {label}: the same report as the paths given")
    rc, out, err = mhtest.run('scan', '--format', 'jsonl', '--files-from', '-', stdin='\n'.join(names).encode())
    ok(timeless(out, 'jsonl') == scan(*names)[1], "--files-from -: the list on standard input")

    # -- units described to workers: what a description must carry ------------
    # (workers are forked before the plan: every unit travels on the pipe)
    odd = os.path.join(tmp, 'odd')
    cur = os.path.join(odd, 'Maildir', 'cur')
    for sub in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join(odd, 'Maildir', sub))
    mail = b"From: a@example.org\nSubject: odd names\nMessage-ID: <odd-%d@example.org>\n\nbody\n"
    with open(os.path.join(cur, '1.host:2,ST'), 'wb') as f:
        f.write(mail % 1)
    with open(os.path.join(odd.encode(), b'caf\xe9-latin1.eml'), 'wb') as f:   # not UTF-8
        f.write(mail % 2)
    shutil.copy(mbox, os.path.join(odd, 'Inbox'))
    os.symlink('/nonexistent/mail', os.path.join(odd, 'dangling'))
    os.mkfifo(os.path.join(odd, 'fifo'))
    rc1, one, err1 = scan('--all', '--jobs', '1', odd)
    names = [os.fsencode(o['locator']['file']) for o in one if o.get('type') == 'message']
    ok(os.path.join(odd.encode(), b'caf\xe9-latin1.eml') in names,
       "a name that is not UTF-8 comes back from the JSON report with os.fsencode (\\udcXX escapes)", names)
    ok(any(o['locator']['deleted'] for o in one if o.get('type') == 'message'),
       "the Maildir message flagged T is read as deleted")
    ok(one[-1]['errors_total'] == 1 and one[-1]['skipped_total'] >= 1,
       "the dangling link is an error, the FIFO skipped", one[-1].get('errors'))
    for size in ('64K', '16M'):
        rc2, two, err2 = scan('--all', '--jobs', '2', '--split-size', size, odd)
        rc1s, ones, _ = scan('--all', '--jobs', '1', '--split-size', size, odd)
        eq(rc2, rc1s, f"odd names, --split-size {size}: the same exit status with workers")
        ok(two == ones, f"odd names (not UTF-8, Maildir flags, ranges, an error, a FIFO), --split-size {size}: "
           "--jobs 2 reports as --jobs 1",
           difference(ones, two))

    for fmt in ('text', 'csv'):
        ok(scan('--all', '--jobs', '2', odd, fmt=fmt)[1] == scan('--all', '--jobs', '1', odd, fmt=fmt)[1],
           f"odd names, {fmt}: --jobs 2 reports as --jobs 1")

    # -- a worker killed: that input is an error, the others are reported ------
    victim = 'Inbox.sbd'
    env = dict(os.environ, MAILHUNT_TEST_KILL_WORKER_ON=victim)
    p = subprocess.run([mhtest.mailhunt(), 'scan', '--format', 'jsonl', '--no-progress', '--jobs', '2', SAMPLES],
                       capture_output=True, env=env, timeout=600)
    eq(p.returncode, 2, "a worker killed: exit 2 (an input could not be read)")
    err = p.stderr.decode()
    ok(victim in err and 'signal 9' in err, "the error names the input and the signal", err[-1000:])
    lines = [json.loads(line) for line in p.stdout.decode().splitlines()]
    summary = lines[-1]
    full = scan('--jobs', '1', SAMPLES)[1][-1]
    ok(0 < summary['messages'] < full['messages'], "the other inputs are read",
       (summary['messages'], full['messages']))
    ok(any(e['file'].find(victim) >= 0 for e in summary['errors']), "the summary lists the lost input")

# -- workers that die idle (the OOM killer): replaced, or the scan ends -------
full = scan('--all', '--jobs', '1', SAMPLES)[1]
for n, label in (('2', 'both first workers'), ('1000000', 'every worker')):
    p = subprocess.run([mhtest.mailhunt(), 'scan', '--all', '--format', 'jsonl', '--no-progress', '--jobs', '2',
                        SAMPLES], capture_output=True, timeout=600,
                       env=dict(os.environ, MAILHUNT_TEST_IDLE_WORKERS_EXIT=n))
    got = timeless(p.stdout.decode('utf-8', 'replace'), 'jsonl')
    err = p.stderr.decode('utf-8', 'replace')
    if n == '2':
        eq(p.returncode, 1, f"{label} die before reading: the scan goes on (exit 1: flagged)")
        ok(got == full, f"{label} die before reading: replaced, the report of --jobs 1", err[-500:])
    else:
        # (a worker may take its batch before it ends: then it dies reading,
        # which costs that one input, as any worker's death does)
        eq(p.returncode, 2, f"{label} dies: exit 2, no hang")
        ok(got[-1]['messages'] == 0 and got[-1]['errors_total'] >= full[-1]['inputs'],
           f"{label} dies: nothing is read, every input is an error",
           (got[-1]['messages'], got[-1]['errors_total']))
        ok('mbox-mixed' in err or 'README.md' in err, "the errors name the inputs", err[-300:])

# -- interrupted: the workers stop, the spool (mail read!) is removed ----------
def start_spooling(tmpdir, args, **extra):
    """A scan --jobs 2 with TMPDIR=@tmpdir, once its spool directory is
    there (or it has ended): the process, and whether the directory was."""
    env = dict(os.environ, TMPDIR=tmpdir, **extra)
    p = subprocess.Popen([mhtest.mailhunt(), 'scan', '--format', 'jsonl', '--no-progress', '--jobs', '2',
                          '-o', os.devnull, *args], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(1200):
        if os.listdir(tmpdir) or p.poll() is not None:
            break
        time.sleep(0.05)
    return p, bool(os.listdir(tmpdir))

with tempfile.TemporaryDirectory() as tmpdir:
    p, spooled = start_spooling(tmpdir, ['--ocr', 'all', SAMPLES])
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=300)
    ok(spooled, "--jobs 2 keeps its records in a directory of $TMPDIR")
    eq(rc, -signal.SIGTERM, "SIGTERM: the scan ends as the signal ends it")
    eq(os.listdir(tmpdir), [], "SIGTERM: the spool directory is removed")

# -- a signal right after the spool directory is made still removes it ------
with tempfile.TemporaryDirectory() as tmpdir:
    p, spooled = start_spooling(tmpdir, [os.path.join(SAMPLES, 'lures')],
                                MAILHUNT_TEST_PAUSE_AFTER_SPOOL='60')
    start = time.monotonic()
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=300)
    ok(spooled, "the paused scan has made its spool directory")
    eq(rc, -signal.SIGTERM, "SIGTERM while the spool is new: the scan ends as the signal ends it")
    ok(time.monotonic() - start < 50, "SIGTERM while the spool is new: at once, not after the pause",
       time.monotonic() - start)
    eq(os.listdir(tmpdir), [], "SIGTERM while the spool is new: the spool directory is removed")

# -- killed: SIGKILL leaves the spool; the next scan removes it ---------------
with tempfile.TemporaryDirectory() as tmpdir:
    # every worker stalls for a minute on its first document of the lures
    p, _ = start_spooling(tmpdir, [os.path.join(SAMPLES, 'lures')], MAILHUNT_TEST_STALL_WORKER_ON='lures/')
    time.sleep(0.5)   # the workers are in their stall
    env = dict(os.environ, TMPDIR=tmpdir)
    try:
        with open(f'/proc/{p.pid}/task/{p.pid}/children') as f:
            workers = [int(w) for w in f.read().split()]
    except OSError:
        workers = []
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=300)
    def running(pid):
        """Not gone and not a zombie (an orphan waits for init to reap it)."""
        try:
            with open(f'/proc/{pid}/stat') as f:
                return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
        except OSError:
            return False
    for _ in range(100):
        if not any(running(w) for w in workers):
            break
        time.sleep(0.05)
    ok(workers and not any(running(w) for w in workers),
       "SIGKILL: the workers die with the parent, within 5 s", workers)
    left = os.listdir(tmpdir)
    ok(len(left) == 1 and os.path.exists(os.path.join(tmpdir, left[0], 'owner')),
       "SIGKILL: the spool directory is left, with its owner", left)
    # a directory of the same shape whose owner runs (this test) is not touched
    alive = os.path.join(tmpdir, 'mailhunt-Alive1')
    os.mkdir(alive)
    with open('/proc/sys/kernel/random/boot_id') as f:
        boot = f.read().strip()
    with open(os.path.join(alive, 'owner'), 'w') as f:
        f.write(f"{os.getpid()} {boot}\n")
    other = os.path.join(tmpdir, 'mailhunt-Other1')   # not made by scan: no owner file
    os.mkdir(other)
    proc = subprocess.run([mhtest.mailhunt(), 'scan', '--format', 'jsonl', '--no-progress', '--jobs', '2',
                           '-o', os.devnull, os.path.join(SAMPLES, 'lures')], env=env,
                          capture_output=True, text=True, timeout=600)
    ok(not os.path.exists(os.path.join(tmpdir, left[0])), "the next scan removes the killed scan's spool",
       os.listdir(tmpdir))
    ok('left by a scan that was killed' in proc.stderr and left[0] in proc.stderr, "and says so",
       proc.stderr[-500:])
    eq(sorted(os.listdir(tmpdir)), ['mailhunt-Alive1', 'mailhunt-Other1'],
       "a running scan's spool and other directories stay")

# -- progress and --summary-only ----------------------------------------------
rc, out, err = mhtest.run('scan', '--format', 'jsonl', '--jobs', '2', '--progress', SAMPLES)
ok('inputs' in err and 'MB/s' in err and 'flagged' in err, "--progress: a progress line on standard error",
   err[-500:])
rc, out, err = mhtest.run('scan', '--format', 'jsonl', '--jobs', '2', SAMPLES)
ok('MB/s' not in err, "standard error is not a terminal: no progress line unless asked")
rc, out, err = mhtest.run('scan', '--format', 'jsonl', '--summary-only', SAMPLES)
eq([json.loads(line)['type'] for line in out.splitlines()], ['summary'], "--summary-only: the summary alone")
eq(rc, 1, "--summary-only: the exit status still says flagged")

# -- the GNU parallel recipe of docs/bulk.md -----------------------------------
if shutil.which('parallel'):
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, 'recipe.sh')
        with open(os.path.join(SRC, 'docs', 'bulk.md'), encoding='utf-8') as f:
            doc = f.read()
        start = doc.index('<!-- recipe -->')
        block = doc[start:].split('```sh\n', 1)[1].split('```', 1)[0]
        with open(script, 'w') as f:
            f.write('set -e\n' + block)
        env = dict(os.environ, PATH=os.path.dirname(mhtest.mailhunt()) + os.pathsep + os.environ['PATH'],
                   STORE=SAMPLES, OUT=tmp)
        p = subprocess.run(['bash', script], capture_output=True, env=env, cwd=tmp, timeout=900)
        ok(p.returncode in (0, 1), "the recipe runs", p.stderr.decode()[-2000:])
        report = os.path.join(tmp, 'report.jsonl')
        got = timeless(open(report, encoding='utf-8').read(), 'jsonl') if os.path.exists(report) else None
        rc, want, err = scan('--jobs', '1', SAMPLES)
        ok(got == want, "the recipe's merged report is the single scan's")
else:
    for what in ("the recipe runs", "the recipe's merged report is the single scan's"):
        mhtest.skip(what, "GNU parallel not installed (.ci/install-deps installs it)")

mhtest.done()
