"""samples-benign/: the committed samples are what the generator writes,
and mailhunt says about each of them what expected.tsv says.

(i)  gen-samples runs twice into temporary directories: both runs must be
     byte-identical (no clock, no randomness), and so must the committed
     files, so that the samples cannot drift from their generator.  A .gz is
     compared on its header (no name, no time) and its decompressed bytes:
     the deflate stream itself depends on the zlib build (zlib-ng writes
     other, equally valid bytes), the content does not.
(ii) `mailhunt scan --all --format jsonl samples-benign/` reports every row
     of expected.tsv at its file, folder and index, with its deleted flag,
     decoded subject and attachment names, and exactly the expected finding
     ids above info; the files of expected-skipped.tsv are skipped.
"""
import csv
import gzip
import os
import subprocess
import tempfile

import mhtest
from sampletools import tree
from mhtest import eq, ok

SAMPLES = os.path.join(mhtest.srcdir(), 'samples-benign')
GENERATOR = os.path.join(os.environ.get('MH_BUILDDIR', mhtest.srcdir()), 'tests', 'gen-samples')


def generate(out):
    p = subprocess.run([GENERATOR, out], capture_output=True, timeout=120)
    return p.returncode, p.stderr.decode('utf-8', 'replace')


def same_sample(name, committed, fresh):
    """Byte-identical, or for gzip the same header fields and content."""
    if committed == fresh:
        return True, None
    if not name.endswith('.gz'):
        return False, f"{len(committed)} bytes committed, {len(fresh)} generated"
    # magic, method, flags and mtime; XFL and OS follow the zlib build
    if committed[:8] != fresh[:8]:
        return False, f"gzip headers differ: {committed[:10].hex()} vs {fresh[:10].hex()}"
    try:
        a, b = gzip.decompress(committed), gzip.decompress(fresh)
    except OSError as e:
        return False, f"not gzip: {e}"
    return a == b, "decompressed contents differ"


def read_tsv(name):
    with open(os.path.join(SAMPLES, name), newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE))


# ---- (i) the generator is deterministic and the committed files are its output ----

if not ok(os.access(GENERATOR, os.X_OK), "gen-samples is built", GENERATOR):
    mhtest.done()

with tempfile.TemporaryDirectory(prefix='mh-samples-') as tmp:
    run1, run2 = os.path.join(tmp, 'run1'), os.path.join(tmp, 'run2')
    rc1, err1 = generate(run1)
    rc2, err2 = generate(run2)
    eq((rc1, rc2), (0, 0), "gen-samples exits 0 (twice)")
    ok(not err1 and not err2, "gen-samples writes nothing on stderr", err1 + err2)
    fresh = tree(run1)
    ok(fresh == tree(run2), "two runs of gen-samples are byte-identical",
       "differing: " + ", ".join(sorted(n for n, b in tree(run2).items() if fresh.get(n) != b)))
    ok(os.path.isdir(os.path.join(run1, 'maildir', 'tmp')) and not os.listdir(os.path.join(run1, 'maildir', 'tmp')),
       "gen-samples creates the empty maildir/tmp/")

    # the committed files below what the generator writes
    generated_tops = sorted({n.split(os.sep)[0] for n in fresh})
    committed = {}
    for top in generated_tops:
        p = os.path.join(SAMPLES, top)
        if os.path.isdir(p):
            committed.update({os.path.join(top, n): b for n, b in tree(p).items()})
        elif os.path.isfile(p):
            with open(p, 'rb') as f:
                committed[top] = f.read()
    for name in sorted(fresh):
        if name not in committed:
            ok(False, f"committed samples-benign/{name} matches the generator", "missing: run `make samples`")
            continue
        same, why = same_sample(name, committed[name], fresh[name])
        ok(same, f"committed samples-benign/{name} matches the generator",
           f"{why}: run `make samples` and commit the result")
    stale = sorted(set(committed) - set(fresh))
    ok(not stale, "no committed sample that the generator no longer writes", "\n".join(stale))

# ---- (ii) what mailhunt says about each sample ----

rows = read_tsv('expected.tsv')
skipped_rows = read_tsv('expected-skipped.tsv')
ok(len(rows) > 0 and len(skipped_rows) > 0, "expected.tsv and expected-skipped.tsv have rows")

rc, messages, summary, err = mhtest.scan(SAMPLES)
eq(rc, 1, "scan exits 1 (something flagged, every input read)")
ok(summary is not None, "scan prints a summary", err)
summary = summary or {}
eq(summary.get('errors_total'), 0, "no read errors")

found, twice = {}, []
for m in messages:
    loc = m['locator']
    key = (os.path.relpath(loc['file'], SAMPLES), loc['index'])
    if key in found:
        twice.append(f"{key[0]} [{key[1]}]")
    found[key] = m
ok(not twice, "no message reported twice", "\n".join(twice))

LINK_FINDING = {'A': 'thread.stolen-quote', 'B': 'thread.generated-reply'}
CASE_VERDICT = {'A': 'A-confirmed', 'B': 'B', 'genuine': 'not-spoof'}
for row in rows:
    key = (row['path'], int(row['index']))
    where = f"{row['scenario']} ({row['path']} [{row['index']}])"
    m = found.pop(key, None)
    if not ok(m is not None, f"{where}: reported"):
        continue
    eq(m['locator']['folder'], row['folder'], f"{where}: folder")
    eq(m['locator']['deleted'], row['deleted'] == '1', f"{where}: deleted flag")
    eq(m['subject'], row['subject'], f"{where}: decoded subject")
    names = [a['filename'] for a in m['attachments']]
    eq(names, row['attachments'].split('|') if row['attachments'] else [], f"{where}: attachment names")
    flagged = sorted({f['id'] for f in m['findings'] if f['severity'] != 'info'})
    # scan gives every flagged mail its case, found among all the samples
    # scanned: the scenario's case brings its link finding
    want = row['findings'].split(',') if row['findings'] else []
    if want and row['case'] in LINK_FINDING:
        want.append(LINK_FINDING[row['case']])
    eq(flagged, sorted(want), f"{where}: finding ids above info")
    if want:
        verdict = m['case'] and m['case']['verdict']
        eq(verdict, CASE_VERDICT.get(row['case'], 'undecided'), f"{where}: case {row['case'] or '-'} found by scan")

# messages from files the generator writes, but not in expected.tsv
generated_tops = {r['path'].split('/')[0] for r in rows + skipped_rows}
extra = sorted(f"{p} [{i}]" for p, i in found if p.split(os.sep)[0] in generated_tops)
ok(not extra, "no message that expected.tsv does not list", "\n".join(extra))

skipped = {os.path.relpath(s['file'], SAMPLES): s['reason'] for s in summary.get('skipped', [])}
for row in skipped_rows:
    ok(row['path'] in skipped, f"{row['scenario']} ({row['path']}): skipped",
       "skipped: " + ", ".join(sorted(skipped)))
wrongly = sorted(p for p in skipped if p.split(os.sep)[0] in generated_tops
                 and p not in {r['path'] for r in skipped_rows})
ok(not wrongly, "no other sample file skipped", "\n".join(f"{p}: {skipped[p]}" for p in wrongly))

mhtest.done()
