#!/usr/bin/env python3
"""Outlook .msg files and winmail.dat (TNEF) of the corpora: the facts
MANIFEST.tsv states for every row of kind msg, msg-fuzzed and
expected-msg, as far as the JSON report shows them, plus a .msg and a
winmail.dat attached to an .eml built here.

The JSON report has no body text, so body facts are checked through
body_length and body_from_html only.  NOT checked:
  - Content-IDs of inline images (attachment_msg_inlineImg.msg): the
    report does not show Content-ID;
  - message class (IPM.Note, IPM.Task ...), PidTagAttachFlags, keywords;
  - HTMLBodyBinary_CP1251.msg's subject: its 8-bit subject is the bytes of
    'öäü' in windows-1252 while its PR_INTERNET_CPID says 1251, which we
    believe (so it reads 'цдь'); only the HTML-only body is checked;
  - msg-extractor's message.text dates are local (US Pacific) time with a
    'GMT' label: the instant checked is theirs plus 8 hours.
A sender known only by name (no SMTP address, only an Exchange X.500 DN)
shows as from {name: null, address: null}: the message model keeps no
name-only mailbox.
"""
import calendar
import csv
import email.message
import email.policy
import os
import re
import shutil
import tempfile

from mhtest import corpora, scan, ok, eq, done

CORPORA = corpora()

HSMF = 'poi/test-data/hsmf/'
TIKA = ('tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/'
        'tika-parser-microsoft-module/src/test/resources/test-documents/')
EXTRACTOR = 'msg-extractor/example-msg-files/'


def utc(*fields):
    return calendar.timegm(fields)


def addrs(lst):
    return [a['address'] for a in lst]


def names(lst):
    return [a['name'] for a in lst]


def att(m):
    return [(a['filename'], a['size']) for a in m['attachments']]


def subject_is(s):
    return (f"subject {s!r}", lambda m: m['subject'] == s)


# local path -> checks on the one message; each (description, function)
EXPECTED = {
    EXTRACTOR + 'strangeDate.msg': [
        subject_is('MSG Test File'),
        ("to time2talk@online-convert.com", lambda m: addrs(m['to']) == ['time2talk@online-convert.com']),
        ("date 2016-02-23 06:57:50 US Pacific (creation time: never sent)",
         lambda m: m['date_unix'] == utc(2016, 2, 23, 6 + 8, 57, 50)),
        ("has a text body", lambda m: m['body_length'] > 100 and not m['body_from_html']),
    ],
    EXTRACTOR + 'unicode.msg': [
        subject_is('Test for TIF files'),
        ("from Brian Zhou", lambda m: m['from']['name'] == 'Brian Zhou'),
        ("to brianzhou@me.com", lambda m: addrs(m['to']) == ['brianzhou@me.com']),
        ("date 2013-11-18 00:26:24 US Pacific", lambda m: m['date_unix'] == utc(2013, 11, 18, 8, 26, 24)),
        ("2 image/tiff attachments named as msg-extractor saves them",
         lambda m: [(a['filename'], a['declared_type']) for a in m['attachments']] ==
         [('import OleFileIO.tif', 'image/tiff'), ('raised value error.tif', 'image/tiff')]),
    ],
    HSMF + '51873.msg': [subject_is('Test with Olk10SideProps_ Chunk'), ("no attachment", lambda m: att(m) == [])],
    HSMF + '53784_fails.msg': [subject_is('Draft to La Tetra'), ("no attachment", lambda m: att(m) == [])],
    HSMF + '53784_succeeds.msg': [subject_is('HAC Annual Report'), ("no attachment", lambda m: att(m) == [])],
    HSMF + '58214_extracted_attachment.msg': [subject_is('Test mail attachment')],
    HSMF + '58214_with_attachment.msg': [subject_is('Master mail')],
    HSMF + 'ASCII_CP1251_LCID1049.msg': [
        subject_is('Subject автоматически Subject'),
        ("text body 'Body автоматически Body' (length)",
         lambda m: not m['body_from_html'] and
         len('Body автоматически Body'.encode()) <= m['body_length'] <= len('Body автоматически Body'.encode()) + 2),
    ],
    HSMF + 'ASCII_UTF-8_CP1252_LCID1031.msg': [
        subject_is('Subject öäü Subject'),
        ("text body 'Body öäü Body' (length)", lambda m: m['body_length'] == len('Body öäü Body'.encode())),
    ],
    HSMF + 'ASCII_UTF-8_CP1252_LCID1031_HTML.msg': [
        subject_is('Subject öäü Subject'),
        ("text body 'Body öäü Body' (length)", lambda m: m['body_length'] == len('Body öäü Body'.encode())),
    ],
    HSMF + 'HTMLBodyBinary_CP1251.msg': [
        ("HTML body only", lambda m: m['body_from_html'] and m['body_length'] > 0),
    ],
    HSMF + 'HTMLBodyBinary_UTF-8.msg': [
        subject_is('Subject öäü Subject'),
        ("HTML body only: 'HTML öäü'", lambda m: m['body_from_html'] and m['body_length'] == len('HTML öäü'.encode())),
    ],
    HSMF + 'attachment_msg_inlineImg.msg': [
        ("attachments image001.png image002.png image003.png image006.jpg",
         lambda m: [a['filename'] for a in m['attachments']] ==
         ['image001.png', 'image002.png', 'image003.png', 'image006.jpg']),
        ("image types", lambda m: [a['detected_type'] for a in m['attachments']][:1] == ['png']),
    ],
    HSMF + 'attachment_msg_pdf.msg': [
        ("2 attachments", lambda m: len(m['attachments']) == 2),
        ("[0] embedded message 'Test Attachment'",
         lambda m: m['attachments'][0]['declared_type'] == 'message/rfc822' and
         m['attachments'][0]['message']['subject'] == 'Test Attachment'),
        ("embedded message has 1 recipient 'Nick Booth'",
         lambda m: names(m['attachments'][0]['message']['to']) == ['Nick Booth']),
        ("[1] smbprn.00009008.KdcPjl.pdf 13539 bytes, a PDF",
         lambda m: att(m)[1] == ('smbprn.00009008.KdcPjl.pdf', 13539) and m['attachments'][1]['detected_type'] == 'pdf'),
    ],
    HSMF + 'attachment_test_msg.msg': [
        subject_is('test pièce jointe 1'),
        ("to nicolas1.23456@free.fr", lambda m: addrs(m['to']) == ['nicolas1.23456@free.fr']),
        ("test-unicode.doc 24064 bytes (OLE2), pj1.txt 89 bytes",
         lambda m: att(m) == [('test-unicode.doc', 24064), ('pj1.txt', 89)] and
         m['attachments'][0]['detected_type'] == 'ole2'),
        ("body 'contenu' (length)", lambda m: 7 <= m['body_length'] <= 12),
    ],
    HSMF + 'blank.msg': [subject_is(''), ("no attachment", lambda m: att(m) == [])],
    HSMF + 'bug66335.msg': [subject_is('Deine Bestellbestätigung vom 13-09-2018')],
    HSMF + 'chinese-traditional.msg': [
        subject_is('Alfresco MSG format testing ( MSG 格式測試 )'),
        ("no transport headers: no Received", lambda m: m['received'] == []),
    ],
    HSMF + 'cyrillic_message.msg': [
        ("subject in Cyrillic (cp1251 guessed)", lambda m: m['subject'].startswith('Автоматический ответ')),
        ("2 recipients", lambda m: len(m['to']) + len(m['cc']) == 2),
    ],
    HSMF + 'example_received_regular.msg': [
        subject_is('This is a test message please ignore'),
        ("1 attachment alfresco.gif", lambda m: [a['filename'] for a in m['attachments']] == ['alfresco.gif']),
    ],
    HSMF + 'example_received_unicode.msg': [
        subject_is('This is a test message please ignore'),
        ("1 attachment alfresco.gif", lambda m: [a['filename'] for a in m['attachments']] == ['alfresco.gif']),
    ],
    HSMF + 'example_sent_regular.msg': [
        subject_is('This is a test message please ignore'),
        ("1 attachment alfresco.gif", lambda m: [a['filename'] for a in m['attachments']] == ['alfresco.gif']),
    ],
    HSMF + 'example_sent_unicode.msg': [
        subject_is('This is a test message please ignore'),
        ("1 attachment alfresco.gif", lambda m: [a['filename'] for a in m['attachments']] == ['alfresco.gif']),
    ],
    HSMF + 'keywords.msg': [subject_is('Test Keywords')],
    HSMF + 'logsat.com_signatures_valid.msg': [
        subject_is('test'),
        ("S/MIME: the signed MIME body read, its smime.p7s listed",
         lambda m: [a['filename'] for a in m['attachments']] == ['smime.p7s']),
    ],
    HSMF + 'lots-of-recipients.msg': [
        subject_is("Read Original Extract of Mr. Narayana Murthy's Speech during Mentor session"),
        ("very many recipients (> 1000)", lambda m: len(m['to']) + len(m['cc']) > 1000),
        ("1 attachment, an .eml", lambda m: len(m['attachments']) == 1 and
         m['attachments'][0]['filename'].endswith('.eml')),
        ("the .eml (no MIME tag) read as a nested message",
         lambda m: m['attachments'][0]['message']['subject'].startswith('Fwd: Read Original Extract')),
    ],
    HSMF + 'message_1979.msg': [subject_is('Option 2 please')],
    HSMF + 'message_1980.msg': [subject_is('Option 2 please')],
    HSMF + 'message_1981.msg': [subject_is('Option 2 please')],
    HSMF + 'message_extra_hyphen_submission_chunk.msg': [subject_is('Reseller Irradiant - MM Build')],
    HSMF + 'message_normal_submission_chunk.msg': [subject_is('Reseller Irradiant - MM Build')],
    HSMF + 'msgClassAppointment.msg': [subject_is('Quick brown fox')],
    HSMF + 'msgClassContact.msg': [subject_is('Quick Brown Fox Jr')],
    HSMF + 'msgClassPost.msg': [subject_is('QuickBrownFox')],
    HSMF + 'msgClassStickyNote.msg': [subject_is('This is a note about the quick brown fox')],
    HSMF + 'msgClassTask.msg': [subject_is('Must jump over the lazy dog')],
    HSMF + 'no_recipient_address.msg': [
        ("from 'Microsoft Outlook 2003 Team'", lambda m: m['from']['name'] == 'Microsoft Outlook 2003 Team'),
        ("11 JPEG attachments", lambda m: len(m['attachments']) == 11 and
         all(a['detected_type'] == 'jpeg' for a in m['attachments'])),
    ],
    HSMF + 'outlook_30_msg.msg': [
        subject_is('IN-SPIRE servers going down for a bit, back up around 8am'),
        ("18 recipients", lambda m: len(m['to']) + len(m['cc']) == 18),
        ("0 attachments", lambda m: att(m) == []),
    ],
    HSMF + 'quick.msg': [
        subject_is('Test the content transformer'),
        ("to kevin.roast@alfresco.org", lambda m: addrs(m['to']) == ['kevin.roast@alfresco.org']),
        ("body 'The quick brown fox jumps over the lazy dog\\r\\n' (length)",
         lambda m: m['body_length'] in (44, 45)),
        ("no headers: no Received", lambda m: m['received'] == []),
        ("0 attachments", lambda m: att(m) == []),
    ],
    HSMF + 'simple_test_msg.msg': [
        subject_is('test message'),
        ("recipient travis@overwrittenstack.com", lambda m: addrs(m['to']) == ['travis@overwrittenstack.com']),
        ("body 'This is a test message.' (length)", lambda m: m['body_length'] == len('This is a test message.')),
        ("transport headers read (Return-Path)", lambda m: m['return_path'] == 'travis@overwrittenstack.com'),
        ("0 attachments", lambda m: att(m) == []),
    ],
    TIKA + 'test-outlook.msg': [
        subject_is('Microsoft Outlook Express 6'),
        ("from \"L'Équipe Microsoft Outlook Express\" <msoe@microsoft.com>",
         lambda m: m['from'] == {'name': "L'Équipe Microsoft Outlook Express", 'address': 'msoe@microsoft.com'}),
        ("to 'Nouvel utilisateur de Outlook Express'",
         lambda m: 'Nouvel utilisateur de Outlook Express' in names(m['to']) or m['to'] != []),
    ],
    TIKA + 'test-outlook2003.msg': [
        subject_is('Welcome to Microsoft Office Outlook 2003'),
        ("11 JPEG attachments", lambda m: len(m['attachments']) == 11 and
         all(a['declared_type'] == 'image/jpeg' for a in m['attachments'])),
    ],
    TIKA + 'testMSG.msg': [
        subject_is('MIME registry use cases'),
        ("from Jukka Zitting <jukka.zitting@gmail.com>",
         lambda m: m['from'] == {'name': 'Jukka Zitting', 'address': 'jukka.zitting@gmail.com'}),
        ("to tika-dev@lucene.apache.org", lambda m: 'tika-dev@lucene.apache.org' in addrs(m['to'])),
    ],
    TIKA + 'testMSG_Appointment.msg': [subject_is('Quick brown fox')],
    TIKA + 'testMSG_Contact.msg': [subject_is('Quick Brown Fox Jr')],
    TIKA + 'testMSG_Post.msg': [subject_is('QuickBrownFox')],
    TIKA + 'testMSG_StickyNote.msg': [subject_is('This is a note about the quick brown fox')],
    TIKA + 'testMSG_Task.msg': [subject_is('Must jump over the lazy dog')],
    TIKA + 'testMSG_att_doc.msg': [
        ("test-unicode.doc + pj1.txt as attachments",
         lambda m: att(m) == [('test-unicode.doc', 24064), ('pj1.txt', 89)]),
    ],
    TIKA + 'testMSG_att_msg.msg': [
        ("embedded message + pdf", lambda m: len(m['attachments']) == 2 and
         m['attachments'][0].get('message', {}).get('subject') == 'Test Attachment'),
    ],
    TIKA + 'testMSG_chinese.msg': [subject_is('Alfresco MSG format testing ( MSG 格式測試 )')],
    TIKA + 'testMSG_forwarded.msg': [subject_is('FW: Testing')],
}

# expected-msg rows: msg-extractor's text export of the .msg beside it
EXPORTS = {
    '2013-11-18_0026 Test for TIF files': EXTRACTOR + 'unicode.msg',
    '2016-02-23_0657 MSG Test File': EXTRACTOR + 'strangeDate.msg',
}

TNEF_FILES = [('quick.doc', 19968), ('quick.html', 428), ('quick.pdf', 18638),
              ('quick.txt', 235), ('quick.xml', 143)]


def one_message(path):
    rc, messages, summary, err = scan(path)
    ok(rc in (0, 1), f"{os.path.basename(path)}: exit status {rc}", err[-2000:])
    if not ok(len(messages) == 1, f"{os.path.basename(path)}: one message",
              f"messages: {len(messages)}; summary: {summary}"):
        return None
    return messages[0]


def check_export(export_dir, msg_path):
    text = open(os.path.join(CORPORA, EXTRACTOR, 'expected-outputs', export_dir, 'message.text'),
                encoding='utf-8', errors='replace').read()
    fields = {}
    for line in text.splitlines():
        if line.startswith('-----'):
            break
        if ':' in line:
            k, v = line.split(':', 1)
            fields[k.strip()] = v.strip()
    m = one_message(os.path.join(CORPORA, msg_path))
    if not m:
        return
    eq(m['subject'], fields.get('Subject'), f"{export_dir}: subject as msg-extractor exports it")
    to = fields.get('To', '').replace('<None>', '').strip()
    ok(to in addrs(m['to']), f"{export_dir}: To {to} as msg-extractor exports it", m['to'])
    frm = fields.get('From', '')
    if frm:
        eq(m['from']['name'], frm, f"{export_dir}: From as msg-extractor exports it")


def main():
    rows = []
    with open(os.path.join(CORPORA, 'MANIFEST.tsv'), encoding='utf-8') as f:
        for row in csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE):
            if row['kind'] in ('msg', 'msg-fuzzed', 'expected-msg', 'tnef'):
                rows.append(row)

    for row in rows:
        path = os.path.join(CORPORA, row['local'])
        if not os.path.exists(path):
            ok(False, f"{row['local']}: in the corpora")
            continue
        name = row['local']
        if row['kind'] == 'expected-msg':
            export = os.path.basename(os.path.dirname(name))
            if ok(export in EXPORTS, f"{export}: export known to this test"):
                check_export(export, EXPORTS[export])
            continue
        # POI named its files after the Outlook item class they hold
        klass = re.match(r'msgClass(\w+)\.msg$', os.path.basename(name))
        if klass:
            rc, messages, summary, err = scan(path)
            ok(len(messages) == 1 and messages[0]['outlook'] and
               messages[0]['outlook']['message_class'] == 'IPM.' + klass.group(1),
               f"{os.path.basename(name)}: Outlook item class IPM.{klass.group(1)}",
               messages[0]['outlook'] if messages else summary)
        if row['kind'] == 'msg-fuzzed':
            rc, messages, summary, err = scan(path)
            ok(rc in (0, 1, 2), f"fuzzed {os.path.basename(name)}: exit status {rc} (no crash)", err[-2000:])
            ok(summary is not None and (len(messages) == 1 or summary['errors_total'] == 1),
               f"fuzzed {os.path.basename(name)}: a message or an error", summary)
            continue
        if row['kind'] == 'tnef':
            continue    # below, inside an .eml
        m = one_message(path)
        if not m:
            continue
        ok(name in EXPECTED, f"{os.path.basename(name)}: facts known to this test")
        for desc, check in EXPECTED.get(name, []):
            try:
                good = check(m)
            except (KeyError, IndexError, TypeError, AttributeError) as e:
                good = False
                desc += f" ({e!r})"
            ok(good, f"{os.path.basename(name)}: {desc}",
               {k: m[k] for k in ('subject', 'from', 'to', 'cc', 'date_unix', 'body_length',
                                  'body_from_html', 'problems')} | {'attachments': att(m)})

    # the crafted seeds (tests/fuzz/seeds/msg): paths no corpus file takes
    seeds = os.path.join(os.environ.get('MH_SRCDIR', '.'), 'tests', 'fuzz', 'seeds', 'msg')
    m = one_message(os.path.join(seeds, 'crafted.msg'))
    if m:
        eq(m['subject'], 'Счёт invoice', "crafted.msg: Unicode subject")
        eq(m['from'], {'name': 'Сергей', 'address': 'sender@example.org'},
           "crafted.msg: 8-bit sender name in code page 1251 (PR_MESSAGE_CODEPAGE)")
        eq(m['cc'], [{'name': 'Victim', 'address': 'victim@example.org'}],
           "crafted.msg: Cc recipient, SMTP address preferred to the X.500 one")
        eq(m['message_id'], 'seed@example.org', "crafted.msg: Message-ID from PR_INTERNET_MESSAGE_ID")
        eq(m['date_unix'], 1456239382, "crafted.msg: Date from PR_CLIENT_SUBMIT_TIME")
        eq([(a['filename'], a['declared_type']) for a in m['attachments']],
           [('invoice.doc', 'application/msword'), ('forwarded', 'message/rfc822')],
           "crafted.msg: attachment with MIME tag, embedded message (method 5)")
        ok(m['attachments'][1].get('message', {}).get('subject') == 'inner', "crafted.msg: embedded message read")
    m = one_message(os.path.join(seeds, 'rtf-only.msg'))
    if m:
        eq((m['body_length'], m['body_from_html']), (len('Привет plain € text\nsecond line'.encode()), False),
           "rtf-only.msg: LZFu-compressed RTF (\\fromtext) decoded to text, \\ansicpg1251 and \\u honoured")
    m = one_message(os.path.join(seeds, 'rtf-html.msg'))
    if m:
        ok(m['body_from_html'] and m['body_length'] > 0, "rtf-html.msg: RTF encapsulating HTML gives an HTML body",
           m['body_length'])

    m = one_message(os.path.join(seeds, 'deep.msg'))
    if m:
        depth, x = 0, m
        while x['attachments'] and 'message' in x['attachments'][0]:
            x, depth = x['attachments'][0]['message'], depth + 1
        ok(depth == 32 and x['subject'] == 'level 32' and
           'Outlook .msg: attached messages nested deeper than 32: not read' in m['problems'],
           "deep.msg: 40 nested attached items read down to the depth cap (32), the cap reported",
           (depth, x['subject'], m['problems']))

    # an .eml carrying a .msg (declared and undeclared) and a winmail.dat
    tnef_row = [r for r in rows if r['kind'] == 'tnef']
    tmp = tempfile.mkdtemp(prefix='mh-outlook-')
    try:
        e = email.message.EmailMessage()
        e['From'] = 'Sender <sender@example.org>'
        e['To'] = 'victim@example.org'
        e['Subject'] = 'outlook inside'
        e['Date'] = 'Thu, 26 Nov 2026 01:00:00 +0000'
        e['Message-ID'] = '<outlook-inside@example.org>'
        e.set_content('see attached')
        msg_bytes = open(os.path.join(CORPORA, HSMF, 'attachment_msg_pdf.msg'), 'rb').read()
        e.add_attachment(msg_bytes, maintype='application', subtype='vnd.ms-outlook', filename='fwd.msg')
        e.add_attachment(msg_bytes, maintype='application', subtype='octet-stream', filename='renamed.bin')
        if tnef_row:
            e.add_attachment(open(os.path.join(CORPORA, tnef_row[0]['local']), 'rb').read(),
                             maintype='application', subtype='ms-tnef', filename='winmail.dat')
        path = os.path.join(tmp, 'outlook-inside.eml')
        with open(path, 'wb') as f:
            f.write(e.as_bytes(policy=email.policy.SMTP))
        m = one_message(path)
        if m:
            a = m['attachments']
            ok(len(a) >= 2 and a[0]['filename'] == 'fwd.msg' and a[0].get('message', {}).get('subject') == 'test email',
               "attached .msg (application/vnd.ms-outlook) read as a nested message", a[:1])
            inner = a[0].get('message', {}) if a else {}
            ok([x['filename'] for x in inner.get('attachments', [])] ==
               ['Test Attachment', 'smbprn.00009008.KdcPjl.pdf'],
               "nested .msg: its attachments listed", inner.get('attachments'))
            renamed = [x for x in a if x['filename'] == 'renamed.bin']
            ok(renamed and renamed[0].get('message', {}).get('subject') == 'test email',
               "attached .msg declared octet-stream: recognised from its bytes", renamed)
            if tnef_row:
                got = [(x['path'] if 'path' in x else x['part'], x['filename'], x['size']) for x in a
                       if x['part'].startswith('4.t')]
                eq([(g[1], g[2]) for g in got], TNEF_FILES,
                   "winmail.dat (Tika testWINMAIL.dat): quick.doc/.html/.pdf/.txt/.xml unpacked")
                eq([g[0] for g in got], ['4.t1', '4.t2', '4.t3', '4.t4', '4.t5'], "TNEF files: paths N.tK")
                types = {x['filename']: x['detected_type'] for x in a if x['part'].startswith('4.t')}
                ok(types.get('quick.pdf') == 'pdf' and types.get('quick.doc') == 'ole2',
                   "TNEF files: types detected from their bytes", types)
                txt = [x for x in a if x['filename'] == 'quick.txt']
                ok(txt and len(txt[0]['sha256']) == 64, "TNEF files: hashed", txt)
            if tnef_row:
                # the same winmail.dat saved on its own: one message without
                # headers whose attachment is unpacked the same way
                rc, msgs, summary, err = scan(os.path.join(CORPORA, tnef_row[0]['local']))
                unpacked = msgs[0]['attachments'] if msgs else []
                eq([(x['filename'], x['size']) for x in unpacked if x['part'].startswith('1.t')], TNEF_FILES,
                   "winmail.dat on its own: the same five files unpacked")
                ok(msgs and any('no mail headers' in p for p in msgs[0]['problems']),
                   "winmail.dat on its own: a problem says it has no headers", msgs[:1])
        # a .msg cut short: an error or a message, never a crash
        cut = os.path.join(tmp, 'cut.msg')
        with open(cut, 'wb') as f:
            f.write(msg_bytes[:len(msg_bytes) // 2])
        rc, messages, summary, err = scan(cut)
        ok(rc in (0, 1, 2) and summary is not None, f"truncated .msg: exit status {rc}, a summary", err[-2000:])
        # an Office document is OLE2 too, and no .msg: it goes to the
        # Office analyser, not to the mail readers
        doc = os.path.join(CORPORA, 'oletools/tests/test-data/msodde/harmless-clean.doc')
        if os.path.exists(doc):
            rc, messages, summary, err = scan(doc)
            ok(messages == [] and summary and summary['skipped_total'] == 0 and
               summary['documents']['total'] == 1,
               "Word .doc (OLE2): not read as an Outlook .msg but opened as a document", summary)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    done()


main()
