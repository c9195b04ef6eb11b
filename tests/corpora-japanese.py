#!/usr/bin/env python3
"""Japanese mail (MANIFEST.tsv kind eml-jp, in mail/, imap_tools/ and
releases-comm-central/): the exact decoded subjects, addresses and
attachment file names the `expected` column states.

Where imap_tools has a DATA file for the message (the same file as
mikel/mail's fixture, header-name case aside), the value written below is
also checked against it, so the table holds upstream values, not ours.

NOT checked, because the JSON report has no body text (where a body is
stated, only body_length > 0 is asserted):
  - japanese.eml: base64 UTF-8 body;
  - japanese_attachment.eml: attachment content 'this is a test\\nこれわてすと';
  - japanese_iso_2022.eml: ISO-2022-JP body 'すみません。\\n\\n';
  - japanese_shift_jis.eml: Shift_JIS body 'あいうえお ... このメールはテスト用のメールです。'
    (the only fact stated for this file);
  - example14.eml: text 'Hello\\r\\n';
  - charset-cp932.eml: the body 'ここに本文がきます。' (its subject is checked);
  - iso-2022-jp.eml: body 'hello\\r\\n\\r\\n世界'.
"""
import collections
import csv
import os
import sys
import types

from mhtest import corpora, scan, ok, eq, done

CORPORA = corpora()

# example14: the subject is 'Re: TEST' CRLF SP CRLF TAB followed by two
# folded ISO-2022-JP B-words.  MANIFEST.tsv quotes imap_tools,
# 'Re: TESTテストテスト', which is Python's decode_header() stripping the
# white space at the start of every folded line.  RFC 2047 keeps white
# space between text and an encoded-word, and mikel/mail's own spec for
# this file expects 'Re: TEST \tテストテスト'; we turn the tab into a
# space like every control character of a one-line value.  See also
# KNOWN_DIFFERENCES in corpora-imap-tools.py.
EXAMPLE14_SUBJECT_UPSTREAM = 'Re: TEST \tテストテスト'   # mikel/mail spec/mail/message_spec.rb
EXAMPLE14_SUBJECT = EXAMPLE14_SUBJECT_UPSTREAM.replace('\t', ' ')

# path below the repository folder -> facts: subject, from_ (address), to
# ((name, address) pairs), attachments (file names, attached messages'
# included), body (a body is stated), imap_tools_subject (what imap_tools
# states instead, where it differs: see above)
FACTS = {
    'multi_charset/japanese.eml': dict(subject='まみむめも', body=True),
    'multi_charset/japanese_attachment.eml': dict(attachments=['てすと.txt']),
    # RFC 2231 filename*0*= / filename*1*= (UTF-8); the names are from
    # imap_tools' DATA (checked against it below)
    'multi_charset/japanese_attachment_long_name.eml': dict(
        subject='まみむめも' * 10,
        attachments=['かきくけこ' * 5 + '.txt']),
    'multi_charset/japanese_iso_2022.eml': dict(
        subject='まみむめも', to=[('みける', 'raasdnil@gmail.com')], body=True),
    'multi_charset/japanese_shift_jis.eml': dict(body=True),
    'rfc2822/example14.eml': dict(subject=EXAMPLE14_SUBJECT, from_='atsushi@example.com', body=True,
                                  imap_tools_subject='Re: TESTテストテスト'),
    'mail/test/browser/composition/data/charset-cp932.eml': dict(subject='ここに本文がきます。', body=True),
    'mail/test/browser/composition/data/iso-2022-jp.eml': dict(
        subject='test quote ISO-2022-JP encoded message', body=True),
}

# where the repositories keep these files
ROOTS = ('mail/spec/fixtures/emails/', 'imap_tools/tests/messages/', 'releases-comm-central/')


def facts_key(local):
    for root in ROOTS:
        if local.startswith(root):
            return local[len(root):]
    return local


def imap_tools_data(key):
    """imap_tools' DATA for this message, or None (stub EmailAddress)."""
    py = os.path.join(CORPORA, 'imap_tools/tests/messages_data', os.path.splitext(key)[0] + '.py')
    if not os.path.isfile(py):
        return None
    stub = types.ModuleType('imap_tools')
    stub.EmailAddress = collections.namedtuple('EmailAddress', 'name email')
    sys.modules['imap_tools'] = stub
    scope = {}
    with open(py, encoding='utf-8') as f:
        exec(compile(f.read(), py, 'exec'), scope)
    return scope['DATA']


# the table holds upstream values: compare it with imap_tools' DATA
for key, facts in sorted(FACTS.items()):
    data = imap_tools_data(key)
    if data is None:
        continue
    if 'subject' in facts:
        eq(data['subject'], facts.get('imap_tools_subject', facts['subject']),
           f"table: {key} subject agrees with imap_tools")
    if 'attachments' in facts:
        eq([a['filename'] for a in data['attachments']], facts['attachments'],
           f"table: {key} attachment names agree with imap_tools")
    if 'to' in facts:
        eq([(a.name, a.email) for a in data['to_values']], facts['to'],
           f"table: {key} To agrees with imap_tools")
    if 'from_' in facts:
        eq(data['from_'], facts['from_'], f"table: {key} From agrees with imap_tools")


def names(atts):
    out = []
    for a in atts:
        if a.get('filename'):
            out.append(a['filename'])
        if a.get('message'):
            out.extend(names(a['message']['attachments']))
    return out


rows = []
with open(os.path.join(CORPORA, 'MANIFEST.tsv'), newline='', encoding='utf-8') as f:
    for row in csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE):
        if row['kind'] == 'eml-jp':
            rows.append(row)
ok(len(rows) >= 14, f"MANIFEST.tsv lists {len(rows)} eml-jp files")

for row in rows:
    local = row['local']
    key = facts_key(local)
    if not ok(key in FACTS, f"{local}: this test knows the facts MANIFEST.tsv states", row['expected']):
        continue
    facts = FACTS[key]
    rc, msgs, summary, err = scan(os.path.join(CORPORA, local))
    if not eq(len(msgs), 1, f"{local}: one message"):
        continue
    m = msgs[0]
    eq(m['problems'], [], f"{local}: nothing to repair")
    if facts.get('body'):
        ok(m['body_length'] > 0, f"{local}: a body was read", m['body_length'])
    if 'subject' in facts:
        eq(m['subject'], facts['subject'], f"{local}: subject")
    if 'from_' in facts:
        eq(m['from']['address'], facts['from_'], f"{local}: From address")
    if 'to' in facts:
        eq([(a['name'], a['address']) for a in m['to']], facts['to'], f"{local}: To name and address")
    if 'attachments' in facts:
        eq(names(m['attachments']), facts['attachments'], f"{local}: attachment file names")

done()
