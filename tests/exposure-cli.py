"""`mailhunt exposure` (docs/linking.md): every address a mailbox exposes.

The counts by role (from, to, cc, reply-to) are compared with an
independent count made here with Python's email package, on the
Thunderbird profile of the samples and on the .eml files of the corpora;
the address book of a PST (java-libpst's dist-list.pst) gives its contact;
quoted header blocks add the addresses they name; CSV is the default, JSON
Lines and text on request.
"""
import collections
import csv
import email
import email.policy
import email.utils
import io
import json
import os
import re

import mhtest
from mhtest import eq, ok

SAMPLES = os.path.join(mhtest.srcdir(), 'samples-benign')
PLAUSIBLE = re.compile(r'^[^@\s<>()\[\],;:"\\]+@[^@\s<>()\[\],;:"\\]+\.[^@\s<>()\[\],;:"\\]+$')
ROLES = (('from', ('From',)), ('to', ('To',)), ('cc', ('Cc',)), ('reply_to', ('Reply-To',)))


def messages_of_mbox(path):
    """The messages of an mbox file, split at 'From ' lines after a blank line."""
    data = open(path, 'rb').read()
    parts, cur = [], []
    for line in data.split(b'\n'):
        if line.startswith(b'From ') and (not cur or cur[-1] == b''):
            if cur:
                parts.append(b'\n'.join(cur))
            cur = []
            continue
        cur.append(line)
    if cur:
        parts.append(b'\n'.join(cur))
    return [email.message_from_bytes(p, policy=email.policy.compat32) for p in parts if p.strip()]


def with_attached(msgs):
    """The messages and the messages attached to them (message/rfc822),
    which a mailbox exposes as well."""
    out = []
    for m in msgs:
        out.append(m)
        for part in m.walk():
            if part is not m and part.get_content_type() == 'message/rfc822':
                inner = part.get_payload()
                out += with_attached(inner if isinstance(inner, list) else [inner])
    return out


def independent_counts(msgs):
    counts = collections.defaultdict(collections.Counter)
    for m in with_attached(msgs):
        for role, headers in ROLES:
            for h in headers:
                values = [str(v) for v in m.get_all(h, [])]
                for name, addr in email.utils.getaddresses(values):
                    addr = addr.strip().lower()
                    # raw 8-bit addresses decode differently here: ASCII ones are compared
                    if PLAUSIBLE.match(addr) and addr.isascii():
                        counts[addr][role] += 1
    return counts


def exposure(*paths, fmt='jsonl'):
    rc, out, err = mhtest.run('exposure', '--format', fmt, *paths)
    return rc, out, err


def compare(label, paths, msgs):
    rc, out, err = exposure(*paths)
    eq(rc, 0, f"{label}: exposure exits 0")
    got = {}
    for line in out.splitlines():
        o = json.loads(line)
        if o['type'] == 'address':
            got[o['address']] = o
    want = independent_counts(msgs)
    ok(len(want) > 0, f"{label}: {len(want)} addresses counted independently")
    for addr, c in sorted(want.items()):
        g = got.get(addr)
        if not ok(g is not None, f"{label}: {addr} listed"):
            continue
        eq({r: g[r] for r, _ in ROLES}, {r: c[r] for r, _ in ROLES}, f"{label}: {addr} counts by role")
    extra = [a for a, g in got.items() if a not in want and a.isascii() and
             (g['from'] or g['to'] or g['cc'] or g['reply_to'])]
    eq(extra, [], f"{label}: no header address the independent count lacks")
    return got


# the Thunderbird profile of the samples: its mbox files
profile = os.path.join(SAMPLES, 'thunderbird-profile')
mboxes = []
for d, dirs, names in os.walk(profile):
    dirs.sort()
    for n in sorted(names):
        p = os.path.join(d, n)
        if not n.endswith(('.msf', '.json', '.js', '.sqlite', '.ini', '.dat')) and os.path.isfile(p):
            with open(p, 'rb') as f:
                if f.read(5) == b'From ':
                    mboxes.append(p)
ok(len(mboxes) >= 3, f"profile: {len(mboxes)} mbox files")
msgs = [m for p in mboxes for m in messages_of_mbox(p)]
got = compare('profile', [profile], msgs)
# quoted header blocks name addresses too: the story's spoofs quote
# Ichiro Suzuki's mails
ok(got.get('ichiro.suzuki@example.com', {}).get('quoted', 0) >= 1,
   "profile: an address named in a quoted header block is counted as quoted",
   got.get('ichiro.suzuki@example.com'))
sent = got.get('ichiro.suzuki@example.com', {}).get('sent_items', 0)
ok(sent >= 1, f"profile: mails of the Sent folder counted ({sent})")
for a in got.values():
    ok(a['address'] == a['address'].lower(), f"profile: {a['address']} in lower case")
    if a['first_seen']:
        ok(a['first_seen'] <= a['last_seen'], f"profile: {a['address']} first seen before last seen")

# CSV is the default, with a header row and the same addresses
rc, out, err = mhtest.run('exposure', profile)
rows = list(csv.DictReader(io.StringIO(out)))
eq(sorted(r['address'] for r in rows), sorted(got), "CSV by default: the same addresses")
eq(list(rows[0].keys()) if rows else [], ['address', 'name', 'from', 'to', 'cc', 'reply_to', 'quoted',
                                          'contact', 'sent_items', 'first_seen', 'last_seen'],
   "CSV columns")

corpora = os.environ.get('MH_CORPORA', '')
if corpora and os.path.isdir(corpora):
    d = os.path.join(corpora, 'imap_tools', 'tests', 'messages')
    emls = sorted(os.path.join(d, n) for n in os.listdir(d) if n.endswith('.eml'))
    msgs = [email.message_from_bytes(open(p, 'rb').read(), policy=email.policy.compat32) for p in emls]
    compare('imap_tools messages', emls, msgs)
    pst = os.path.join(corpora, 'java-libpst', 'src', 'test', 'resources', 'dist-list.pst')
    rc, out, err = exposure(pst)
    lines = [json.loads(line) for line in out.splitlines()]
    contact = [o for o in lines if o.get('address') == 'contact1@rjohnson.id.au']
    ok(contact and contact[0]['contact'] == 1 and contact[0]['name'] == '1, contact name',
       "dist-list.pst: its contact, once, with its name", contact)
else:
    mhtest.skip("exposure of the corpora", "corpora not found")

rc, out, err = mhtest.run('exposure', '/nonexistent/mailbox')
eq(rc, 2, "exposure of a missing mailbox: exit 2")
ok('/nonexistent/mailbox' in err, "exposure: the missing mailbox is named", err)

mhtest.done()
