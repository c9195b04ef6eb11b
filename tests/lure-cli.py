"""Lure screens end to end (docs/lures.md), on the generated lure samples.

(i)   The samples are drawn again now (gen-office --lures, pango/cairo):
      every document of the fresh set and of the committed set
      (samples-benign/lures) gets the verdict of expected.tsv, the lure
      template of its row and no other, found where the row says (the text,
      or OCR of the picture); the negative controls get none.
(ii)  When OCR runs: by default on documents with macros or a picture-only
      page, not on a macro-free document with pictures and text; --ocr none
      and --ocr all.
(iii) Fingerprints: `mailhunt lure-hash` of each drawn screen, of its JPEG
      copy rescaled to 90 %, and of the document holding it; a lure file of
      fingerprints only recognises a document whose picture was replaced by
      the rescaled JPEG, and rejects the controls and the other screens.
(iv)  `scan`: a mail carrying a picture lure with macros is flagged
      malicious through its attachment.
(v)   Errors: lure-hash on what is no picture, or a damaged one.
"""
import csv
import email.message
import email.policy
import json
import os
import shutil
import subprocess
import tempfile
import zipfile

import mhtest
from mhtest import eq, ok

SAMPLES = os.path.join(mhtest.srcdir(), 'samples-benign', 'lures')
GENERATOR = os.path.join(os.environ.get('MH_BUILDDIR', mhtest.srcdir()), 'tests', 'gen-office')
# a re-encoded, rescaled copy must stay within this; docs/lures.md
DISTANCE = 6

with open(os.path.join(SAMPLES, 'expected.tsv'), encoding='utf-8') as f:
    ROWS = list(csv.DictReader(f, delimiter='\t'))
ok(len(ROWS) >= 60, f"expected.tsv: {len(ROWS)} samples")


def lure_findings(doc):
    return [f for f in doc['findings'] if f['id'] == 'lure.template']


def template_of(finding):
    # "lure template NAME (family ...": the name is the third word
    return finding['summary'].split()[2]


def documents(directory, *extra):
    """`mailhunt doc --format jsonl` over a directory: {file name: document}."""
    rc, lines, summary, err = mhtest.scan_lines(directory, command='doc', extra=extra)
    ok(rc in (0, 1), f"doc {' '.join(extra)} on {os.path.basename(directory)} exits 0 or 1", err[-2000:])
    return {os.path.basename(o['file']): o['document'] if 'document' in o else o
            for o in lines if o.get('type') == 'document'}


def check_set(label, directory):
    docs = documents(directory)
    eq(sorted(docs), sorted(r['file'] for r in ROWS), f"{label}: one document line per sample")
    for row in ROWS:
        name = row['file']
        d = docs.get(name)
        if d is None:
            continue
        eq(d['verdict'], row['expected_verdict'], f"{label} {name}: verdict")
        found = lure_findings(d)
        if row['template'] == '-':
            eq([f['summary'] for f in found], [], f"{label} {name}: control, no lure")
        else:
            eq([template_of(f) for f in found], [row['template']],
               f"{label} {name}: exactly its template")
            where = found[0]['location'].split('; ') if found else []
            if row['lure_in'] == 'text':
                ok('text' in where, f"{label} {name}: found in the text", where)
            else:
                ok(any(w.startswith('OCR of picture ') for w in where),
                   f"{label} {name}: found by OCR of the picture", where)
        pictures = d['images']
        if row['lure_in'] == 'picture' or 'picture' in name or 'photo' in name:
            eq(len(pictures), 1, f"{label} {name}: one picture")
            for p in pictures:
                ok(p['dhash'] is not None and len(p['dhash']) == 16, f"{label} {name}: picture fingerprinted")
                # macros, or a page that is one picture; control-photo.doc has text
                risky = row['macros'] == 'yes' or row['lure_in'] == 'picture'
                eq(p['ocr'], 'read' if risky else 'not-risky', f"{label} {name}: OCR {'run' if risky else 'not run'}")
        else:
            eq(pictures, [], f"{label} {name}: no picture")
    return docs


def lure_hash(*paths, extra=()):
    rc, out, err = mhtest.run('lure-hash', '--format', 'jsonl', *extra, *paths)
    return rc, [json.loads(line) for line in out.splitlines()], err


def distance(a, b):
    return bin(int(a, 16) ^ int(b, 16)).count('1')


with tempfile.TemporaryDirectory() as tmp:
    # (i) drawn now, and as committed
    fresh = os.path.join(tmp, 'fresh')
    env = dict(os.environ)
    suppressions = os.path.join(tmp, 'lsan.supp')
    with open(suppressions, 'w') as f:
        f.write('leak:libfontconfig.so\n')   # fontconfig's configuration, kept to exit
    env['LSAN_OPTIONS'] = ':'.join(o for o in (env.get('LSAN_OPTIONS'),
                                               f'suppressions={suppressions}:print_suppressions=0') if o)
    p = subprocess.run([GENERATOR, '--lures', fresh], capture_output=True, timeout=300, env=env)
    eq(p.returncode, 0, "gen-office --lures draws the samples", )
    fresh_docs = check_set('fresh', fresh)
    check_set('committed', SAMPLES)

    # (ii) --ocr none / all
    pictures = [r['file'] for r in ROWS if r['lure_in'] == 'picture']
    subset = os.path.join(tmp, 'subset')
    os.mkdir(subset)
    for name in pictures[:2] + ['control-chart-picture.docx']:
        shutil.copy(os.path.join(fresh, name), subset)
    none = documents(subset, '--ocr', 'none')
    for name, d in sorted(none.items()):
        eq(lure_findings(d), [], f"--ocr none {name}: no lure from pictures")
        eq([p['ocr'] for p in d['images']], ['off'], f"--ocr none {name}: OCR off")
        ok(d['images'] and d['images'][0]['dhash'], f"--ocr none {name}: still fingerprinted")
    docm = [n for n in none if n.endswith('.docm')]
    for name in docm:
        eq(none[name]['verdict'], 'suspicious', f"--ocr none {name}: macros with auto-exec alone")
    every = documents(subset, '--ocr', 'all')
    eq([p['ocr'] for p in every['control-chart-picture.docx']['images']], ['read'],
       "--ocr all: the macro-free control is read too")
    eq(lure_findings(every['control-chart-picture.docx']), [], "--ocr all: and has no lure")
    ok(len(every['control-chart-picture.docx']['images'][0]['ocr_text'] or '') > 0,
       "--ocr all: text read in the chart")
    rc, out, err = mhtest.run('doc', '--ocr', 'sometimes', subset)
    eq(rc, 2, "--ocr with a wrong value: exit 2")
    ok('--ocr' in err, "--ocr with a wrong value: said why", err)

    # (iii) fingerprints
    images = os.path.join(fresh, 'images')
    stems = sorted(r['file'][:-len('-picture.doc')] for r in ROWS if r['file'].endswith('-picture.doc'))
    rc, hashes, err = lure_hash(images)
    eq(rc, 0, "lure-hash on the pictures: exit 0")
    by_name = {os.path.basename(h['file']): h for h in hashes}
    controls = sorted(n for n in by_name if n.startswith('control-'))
    eq(len(controls), 3, "lure-hash: the three control pictures")
    for stem in stems:
        png, jpg = by_name.get(stem + '.png'), by_name.get(stem + '-rescaled.jpg')
        if not ok(png and jpg, f"lure-hash {stem}: the picture and its rescaled JPEG"):
            continue
        eq((png['format'], png['width'], png['height']), ('png', 800, 450), f"lure-hash {stem}.png: format and size")
        eq(jpg['format'], 'jpeg', f"lure-hash {stem}-rescaled.jpg: format")
        d = distance(png['dhash'], jpg['dhash'])
        ok(d <= DISTANCE, f"lure-hash {stem}: rescaled JPEG within {DISTANCE} bits ({d})")
        for c in controls:
            d = distance(png['dhash'], by_name[c]['dhash'])
            ok(d > DISTANCE, f"lure-hash {stem}: {c} is another picture ({d} bits)")
    rc, inside, err = lure_hash(os.path.join(fresh, stems[0] + '-picture.docm'))
    eq([(h['location'], h['dhash']) for h in inside],
       [('word/media/image1.png', by_name[stems[0] + '.png']['dhash'])],
       "lure-hash on a document: its picture, same fingerprint as the file")
    rc, inside, err = lure_hash(os.path.join(fresh, stems[0] + '-picture.doc'))
    ok(len(inside) == 1 and inside[0]['location'].startswith('Data+0x') and
       inside[0]['dhash'] == by_name[stems[0] + '.png']['dhash'],
       "lure-hash on a .doc: the BLIP in the Data stream, same fingerprint", inside)
    rc, out, err = mhtest.run('lure-hash', os.path.join(images, stems[0] + '.png'))
    ok(out.startswith(f"fingerprint: {by_name[stems[0] + '.png']['dhash']} {DISTANCE}    # "),
       "lure-hash text: a line of a lure file", out)

    # a template of fingerprints only, from one screen: finds the document
    # whose picture is the rescaled JPEG, not the controls nor other screens
    target = stems[0]
    lures = os.path.join(tmp, 'incident.txt')
    with open(lures, 'w') as f:
        f.write(f"template: incident-screen\nfamily: analyst\n"
                f"fingerprint: {by_name[target + '.png']['dhash']} {DISTANCE}\n")
    copy = os.path.join(tmp, 'fp')
    os.mkdir(copy)
    with zipfile.ZipFile(os.path.join(fresh, target + '-picture.docm')) as zin, \
            zipfile.ZipFile(os.path.join(copy, 'reencoded.docm'), 'w') as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == 'word/media/image1.png':
                data = open(os.path.join(images, target + '-rescaled.jpg'), 'rb').read()
            zout.writestr(item, data)
    for name in ('control-memo-picture.docm', 'control-chart-picture.docx', 'control-photo.doc'):
        shutil.copy(os.path.join(fresh, name), copy)
    others = [s for s in stems if s != target and distance(by_name[s + '.png']['dhash'],
                                                           by_name[target + '.png']['dhash']) > DISTANCE]
    for s in others[:3]:
        shutil.copy(os.path.join(fresh, s + '-picture.doc'), copy)
    got = documents(copy, '--ocr', 'none', '--lures', lures)
    f = lure_findings(got['reencoded.docm'])
    eq([template_of(x) for x in f], ['incident-screen'], "fingerprint: the re-encoded, rescaled copy is recognised")
    ok(f and f[0]['location'] == 'fingerprint of picture word/media/image1.png' and
       'picture fingerprint within' in f[0]['summary'], "fingerprint: where and how closely", f)
    eq(got['reencoded.docm']['verdict'], 'malicious', "fingerprint: lure with macros is malicious")
    for name in sorted(got):
        if name != 'reencoded.docm':
            eq(lure_findings(got[name]), [], f"fingerprint: {name} is not that picture")
    ok(len(others) >= 3, f"fingerprint: {len(others)} other screens farther than {DISTANCE} bits")

    # (iv) scan: the picture lure attached to a mail
    lure_doc = [r for r in ROWS if r['lure_in'] == 'picture' and r['macros'] == 'yes' and r['language'] == 'ja'][0]
    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    msg['From'] = 'Sato Hanako <hanako.sato@example.jp>'
    msg['To'] = 'ichiro.suzuki@example.com'
    msg['Subject'] = 'RE: 請求書の件'
    msg['Message-ID'] = '<lure-cli-1@example.jp>'
    msg['Date'] = 'Thu, 26 Nov 2026 09:00:00 +0900'
    msg.set_content('ご確認ください。\n')
    msg.add_attachment(open(os.path.join(fresh, lure_doc['file']), 'rb').read(),
                       maintype='application', subtype='vnd.ms-word.document.macroEnabled.12',
                       filename=lure_doc['file'])
    eml = os.path.join(tmp, 'lure.eml')
    with open(eml, 'wb') as f:
        f.write(msg.as_bytes())
    rc, messages, summary, err = mhtest.scan(eml)
    eq(rc, 1, "scan of the mail: flagged")
    ids = [f['id'] for f in messages[0]['findings']] if messages else []
    ok('attachment.malicious-document' in ids, "scan: attachment.malicious-document", ids)
    att = [a for a in messages[0]['attachments'] if a.get('document')] if messages else []
    ok(att and [template_of(f) for f in lure_findings(att[0]['document'])] == [lure_doc['template']],
       "scan: the attached document's lure template", att[:1])

    # (v) errors name the file and go on
    text = os.path.join(tmp, 'notes.txt')
    with open(text, 'w') as f:
        f.write('no picture here\n')
    broken = os.path.join(tmp, 'broken.png')
    with open(os.path.join(images, stems[0] + '.png'), 'rb') as f:
        head = f.read(200)
    with open(broken, 'wb') as f:
        f.write(head)
    rc, out, err = mhtest.run('lure-hash', text, broken, os.path.join(images, stems[0] + '.png'))
    eq(rc, 2, "lure-hash with unreadable inputs: exit 2")
    ok('notes.txt: not a picture' in err, "lure-hash: the text file is named", err)
    ok('broken.png' in err, "lure-hash: the damaged picture is named", err)
    eq(len(out.splitlines()), 1, "lure-hash: the good picture is still printed")

mhtest.done()
