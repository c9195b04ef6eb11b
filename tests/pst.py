"""Outlook PST: facts from the public corpora, a cross-check against
readpst, and damaged copies that must not take the scan down with them."""
import csv
import email
import email.policy
import hashlib
import os
import random
import re
import shutil
import subprocess
import tempfile

from mhtest import ok, eq, done, corpora, scan, scan_lines, mailhunt

CORPORA = corpora()

rows = []
with open(os.path.join(CORPORA, 'MANIFEST.tsv'), newline='', encoding='utf-8') as f:
    for row in csv.DictReader(f, delimiter='\t'):
        if row['kind'] == 'pst':
            rows.append(row)
ok(len(rows) >= 4, "MANIFEST lists the PST files", f"{len(rows)} rows of kind pst")
PSTS = {os.path.basename(r['local']): os.path.join(CORPORA, r['local']) for r in rows}


def by_folder(messages):
    out = {}
    for m in messages:
        out.setdefault(m['locator']['folder'], []).append(m)
    return out


def all_attachments(atts):
    """Named attachments at any depth, embedded messages opened."""
    out = []
    for a in atts:
        if a.get('message'):
            out += all_attachments(a['message'].get('attachments', []))
        elif a.get('filename') and a.get('declared_type') != 'message/rfc822':
            out.append((a['filename'], a['sha256']))
    return out


def readpst_inline(data):
    """Named attachments readpst wrote inside a message file (those of
    embedded messages), as (filename, sha256)."""
    # readpst starts an embedded message with an mbox ">From " line
    data = re.sub(rb'(Content-Type: message/rfc822\r?\n\r?\n)>From [^\n]*\n', rb'\1', data)
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    out = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_type() == 'message/rfc822':
            continue
        name = part.get_filename()
        if name:
            out.append((name, hashlib.sha256(part.get_payload(decode=True) or b'').hexdigest()))
    return out


def top_attachments(m):
    """Attachments of the message itself, embedded messages left out
    (readpst -S writes those inline, not as files)."""
    return [a for a in m.get('attachments', []) if a.get('declared_type') != 'message/rfc822']


# ---- every PST of the corpora: scanned whole, without errors ----
results = {}
for name, path in sorted(PSTS.items()):
    rc, messages, summary, err = scan(path)
    results[name] = (rc, messages, summary, err)
    ok(summary is not None and rc in (0, 1), f"{name}: scanned (exit {rc})", err[-2000:])
    if summary:
        eq(summary['errors'], [], f"{name}: no read errors")
        eq(summary['inputs'], 1, f"{name}: counted as one input")

# ---- Tika testPST.pst ----
rc, messages, summary, err = results['testPST.pst']
eq(len(messages), 7, "testPST.pst: 7 top-level messages (as readpst and pffexport)")
eq(set(m['locator']['folder'] for m in messages), {None},
   "testPST.pst: the messages sit in the top folder, whose name is dropped")
eq([m['locator']['index'] for m in messages], list(range(7)), "testPST.pst: indexes 0..6 in folder order")
ok(all(m['locator']['file'] == PSTS['testPST.pst'] for m in messages), "testPST.pst: locator.file is the PST")
feature = [m for m in messages if m['subject'] == 'Re: Feature Generators']
ok(len(feature) == 1, "testPST.pst: 'Re: Feature Generators' is there")
if feature:
    m = feature[0]
    eq(m['from'], {'name': 'Jörn Kottmann', 'address': 'kottmann@gmail.com'},
       "Re: Feature Generators: from Jörn Kottmann (transport headers, UTF-8)")
    eq(m['date_unix'], 1393401004, "Re: Feature Generators: sent 2014-02-26T07:50:04Z")
    ok(any(a['address'] == 'users@opennlp.apache.org' for a in m['to']),
       "Re: Feature Generators: to users@opennlp.apache.org", m['to'])
    ok(len(m['received']) > 0, "Re: Feature Generators: Received headers kept")
    ok(m['body_length'] > 0, "Re: Feature Generators: has a body")
ok(any(m['from'] and m['from'].get('address') == 'couchbase@couchbase.com' for m in messages),
   "testPST.pst: the Couchbase message is there")
fw = [m for m in messages if m['subject'] == 'FW: First email']
ok(len(fw) == 1, "testPST.pst: 'FW: First email' is there")
eq({m['outlook']['message_class'] for m in messages if m['outlook']}, {'IPM.Note'},
   "testPST.pst: every item is an Outlook mail item (IPM.Note)")
ok(fw and fw[0]['outlook']['sender_dn'].startswith('/o=PF/ou=Exchange Administrative Group'),
   "FW: First email: the sender's Exchange (X.500) address is reported", fw[0]['outlook'] if fw else None)
if fw:
    emb = [a for a in fw[0]['attachments'] if a.get('declared_type') == 'message/rfc822']
    ok(len(emb) == 1 and emb[0].get('message'), "FW: First email: carries one embedded message", fw[0]['attachments'])
    if emb and emb[0].get('message'):
        inner = emb[0]['message']
        eq(inner['subject'], 'First email', "embedded message: subject 'First email'")
        docx = [a for a in inner['attachments'] if a.get('filename') == 'attachment.docx']
        ok(len(docx) == 1, "embedded message: carries attachment.docx", inner['attachments'])
        if docx:
            ok(docx[0]['detected_type'] in ('zip', 'ooxml') and docx[0]['size'] > 1000,
               "attachment.docx: a zip/OOXML file", docx[0])

# ---- Tika testPST_variousBodyTypes.pst ----
rc, messages, summary, err = results['testPST_variousBodyTypes.pst']
eq(len(messages), 4, "variousBodyTypes: 4 messages")
eq(set(m['locator']['folder'] for m in messages), {'Inbox/tmp'}, "variousBodyTypes: folder Inbox/tmp")
eq(sorted(m['subject'] for m in messages), ['FW: original email'] * 3 + ['original email'],
   "variousBodyTypes: subjects")
ok(all(m['body_length'] > 0 for m in messages), "variousBodyTypes: every body variant gives text",
   [m['body_length'] for m in messages])

# ---- java-libpst: contacts/calendar only, and a password-protected store ----
rc, messages, summary, err = results['dist-list.pst']
eq(len(messages), 0, "dist-list.pst: contacts, a distribution list and appointments are not messages")
eq(summary['contacts'], 2, "dist-list.pst: the summary counts 2 address-book entries")
roles = {f['folder']: f['role'] for f in summary['folders']}
ok(len(roles) == 12, "dist-list.pst: 12 folders listed, empty ones too", sorted(roles))
eq((roles.get('Sent Items'), roles.get('Deleted Items'), roles.get('Inbox')),
   ('sent-items', 'deleted-items', None),
   "dist-list.pst: Sent Items and Deleted Items recognised by the store's entry ids, Inbox has no role")

# the roles come from the store, not from the names: testPST.pst is French
rc, messages, summary, err = results['testPST.pst']
eq([(f['folder'], f['role']) for f in summary['folders'] if f['role']], [('Éléments supprimés', 'deleted-items')],
   "testPST.pst: 'Éléments supprimés' is the store's Deleted Items")
rc, messages, summary, err = results['testPST_variousBodyTypes.pst']
eq({f['folder']: (f['messages'], f['role']) for f in summary['folders']},
   {'Inbox': (0, None), 'Inbox/tmp': (4, None), 'Deleted Items': (0, 'deleted-items')},
   "variousBodyTypes: folders with their message counts and roles")
rc, lines, summary, err = scan_lines(PSTS['dist-list.pst'], extra=('--contacts',))
contacts = [o for o in lines if o['type'] == 'contact']
eq(len(contacts), 2, "dist-list.pst --contacts: two contact lines")
eq(sorted((c['is_list'], c['name'], tuple(c['addresses'])) for c in contacts),
   [(False, '1, contact name', ('contact1@rjohnson.id.au',)), (True, 'test dist list', ())],
   "dist-list.pst --contacts: the contact with its address, the list by name")
ok(all(c['folder'] == 'Contacts' and c['file'] == PSTS['dist-list.pst'] for c in contacts),
   "dist-list.pst --contacts: located in file and folder Contacts", contacts)
rc, messages, summary, err = results['passworded.pst']
eq(len(messages), 0, "passworded.pst: read (libpst ignores the PST password), no mail in it")

# ---- cross-check with readpst: per folder message count and attachment hashes ----
readpst = shutil.which('readpst')
if not readpst:
    print("# readpst not installed: cross-check skipped")
for name, path in sorted(PSTS.items()):
    if not readpst:
        break
    with tempfile.TemporaryDirectory() as out:
        # -S one file per message, attachments as separate files; -D
        # deleted items too; -b no rtf-body.rtf; -t e mail only
        # -j 0: readpst's parallel children race when numbering files
        p = subprocess.run([readpst, '-S', '-D', '-b', '-q', '-t', 'e', '-j', '0', '-o', out, path],
                           capture_output=True, timeout=600)
        if not ok(p.returncode == 0, f"{name}: readpst ran", p.stderr.decode('utf-8', 'replace')):
            continue
        expected_count, expected_sha, expected_all = {}, {}, {}
        for d, _, files in os.walk(out):
            rel = os.path.relpath(d, out)
            parts = [] if rel == '.' else rel.split(os.sep)
            # readpst's first directory is the store's name, which
            # mailhunt does not put in the folder path
            folder = '/'.join(parts[1:]) or None
            for fn in files:
                head, _, rest = fn.partition('-')
                if not head.isdigit():
                    continue
                with open(os.path.join(d, fn), 'rb') as fh:
                    data = fh.read()
                if rest:
                    expected_sha.setdefault(folder, []).append(hashlib.sha256(data).hexdigest())
                    expected_all.setdefault(folder, []).append((rest, hashlib.sha256(data).hexdigest()))
                else:
                    expected_count[folder] = expected_count.get(folder, 0) + 1
                    expected_all.setdefault(folder, []).extend(readpst_inline(data))
        got = by_folder(results[name][1])
        eq({k: len(v) for k, v in got.items()}, expected_count, f"{name}: messages per folder as readpst")
        got_sha = {k: sorted(a['sha256'] for m in v for a in top_attachments(m)) for k, v in got.items()}
        got_sha = {k: v for k, v in got_sha.items() if v}
        eq(got_sha, {k: sorted(v) for k, v in expected_sha.items()},
           f"{name}: attachment SHA-256 per folder as readpst writes them")
        got_all = {k: sorted(x for m in v for x in all_attachments(m.get('attachments', []))) for k, v in got.items()}
        got_all = {k: v for k, v in got_all.items() if v}
        eq(got_all, {k: sorted(v) for k, v in expected_all.items() if v},
           f"{name}: names and SHA-256 of attachments at every depth as readpst (embedded messages opened)")

# ---- damaged copies: scanned together with a good .eml ----
eml = os.path.join(os.environ.get('MH_SRCDIR', '.'), 'tests', 'data', 'mail')
emls = sorted(os.path.join(eml, f) for f in os.listdir(eml) if f.endswith('.eml')) if os.path.isdir(eml) else []
if not emls:
    emls = [os.path.join(CORPORA, r['local']) for r in csv.DictReader(
        open(os.path.join(CORPORA, 'MANIFEST.tsv'), newline='', encoding='utf-8'), delimiter='\t')
        if r['kind'] == 'eml'][:1]
good = emls[0]


def damaged(variant, data):
    d = bytearray(data)
    if variant == 'index':
        # the root of the index B-trees in the header: libpst cannot load it
        d[0xB8:0x100] = b'\xff' * (0x100 - 0xB8)
    elif variant == 'truncated':
        d = d[:len(d) // 3]
    else:
        rnd = random.Random(variant)   # string seeds are stable across Python versions
        for _ in range(300):
            i = rnd.randrange(512, len(d) - 64)
            d[i:i + 64] = bytes(rnd.randrange(256) for _ in range(64))
    return bytes(d)


with open(PSTS['testPST.pst'], 'rb') as fh:
    original = fh.read()
crashes = 0
with tempfile.TemporaryDirectory() as tmp:
    for variant in ['index', 'truncated'] + [f'noise-{i}' for i in range(12)]:
        bad = os.path.join(tmp, f'damaged-{variant}.pst')
        with open(bad, 'wb') as fh:
            fh.write(damaged(variant, original))
        rc, messages, summary, err = scan(bad, good)
        if not ok(summary is not None and rc in (0, 1, 2), f"damaged ({variant}): mailhunt ends normally (exit {rc})",
                  err[-2000:]):
            continue
        ok(any(m['locator']['file'] == good for m in messages), f"damaged ({variant}): the .eml is still reported")
        errors = summary['errors']
        ok(all(e['file'] == bad for e in errors), f"damaged ({variant}): every error names the PST", errors)
        eq(rc, 2 if errors else rc, f"damaged ({variant}): exit status 2 when the PST gave errors")
        ok(len([e for e in errors if e['error'].startswith('libpst stopped')]) <= 1,
           f"damaged ({variant}): at most one 'libpst stopped' error", errors)
        crashes += sum(1 for e in errors if e['error'].startswith('libpst stopped'))
        if variant == 'index':
            ok(len(errors) == 1 and 'libpst cannot' in errors[0]['error'],
               "damaged index: one clear error, no garbage messages", errors)
            eq(len(messages), 1, "damaged index: only the .eml is reported")
print(f"# libpst died (signal, exit, or a sanitizer stop) on {crashes} damaged copies; each was reported once")
ok(crashes > 0, "the damaged copies exercise a libpst crash or exit at least once")

# ---- an unsupported variant: the 4 KiB-page OST of Outlook 2013+ (format version 36) ----
with tempfile.TemporaryDirectory() as tmp:
    ost = os.path.join(tmp, 'variant.ost')
    d = bytearray(original)
    d[10:12] = (36).to_bytes(2, 'little')
    with open(ost, 'wb') as fh:
        fh.write(bytes(d))
    rc, messages, summary, err = scan(ost, good)
    eq(rc, 2, "format version 36: exit status 2")
    errors = summary['errors'] if summary else []
    ok(len(errors) == 1 and errors[0]['file'] == ost and 'format version 36' in errors[0]['error']
       and 'libpst cannot' in errors[0]['error'], "format version 36: one clear error naming the variant", errors)
    eq([m['locator']['file'] for m in messages], [good], "format version 36: no garbage messages, the .eml is reported")

# ---- the wall-clock budget: a child that makes no progress is killed ----
env = dict(os.environ, MAILHUNT_PST_TIMEOUT='0')
p = subprocess.run([mailhunt(), 'scan', '--all', '--format', 'jsonl', PSTS['testPST.pst'], good],
                   capture_output=True, timeout=600, env=env)
err = p.stderr.decode('utf-8', 'replace')
eq(p.returncode, 2, "timeout: exit status 2")
ok('libpst stopped (no progress within 0 s: killed) after 0 messages' in err, "timeout: reported once, as a kill", err)
ok(good.encode() in p.stdout, "timeout: the .eml is still reported")

done()
