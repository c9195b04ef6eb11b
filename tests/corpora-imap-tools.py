#!/usr/bin/env python3
"""imap_tools' test messages: every .eml under imap_tools/tests/messages/
that has a .py under imap_tools/tests/messages_data/ (same relative path)
must give the subject, From address, To addresses, date and attachment file
names that imap_tools' DATA states (upstream ground truth, [U]).

The .py files are exec'd with a stub `imap_tools` module that provides only
EmailAddress; the real library is never imported.
"""
import collections
import datetime
import os
import sys
import types

from mhtest import corpora, scan, ok, eq, done

ROOT = os.path.join(corpora(), 'imap_tools', 'tests')
MESSAGES = os.path.join(ROOT, 'messages')
DATA_DIR = os.path.join(ROOT, 'messages_data')

# Facts where imap_tools (that is, Python's email package under it) does
# something non-standard, so its DATA cannot be ours:
#   (relative .eml path, field) -> (why, the value we give instead).
# Each entry is asserted to STILL differ from imap_tools AND to equal the
# value written here, so a change on either side fails the test until the
# entry is updated or removed: the table cannot rot.
KNOWN_DIFFERENCES = {
    # Raw 8-bit Latin-1 in the Subject.  Python drops the bytes it cannot
    # decode ('Formao'); we read them in windows-1252, the charset the
    # message itself declares in its From encoded-word.
    ('error_emails/invalid_subject_characters.eml', 'subject'): (
        "Python drops undecodable raw 8-bit bytes",
        'Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro'),
    # 'To: <Undisclosed-Recipient:@mailman.enron.com;>' is a group written
    # inside an angle-addr: no mailbox.  Python's getaddresses() splits it
    # into two bogus addresses, '' and '@mailman.enron.com'.
    ('error_emails/missing_body.eml', 'to'): (
        "Python splits a group inside <> into bogus addresses", ()),
    # '"xxxxx@xxxxx" <matmail>': an address without a domain.  imap_tools
    # blanks every address that lacks '@'; we keep it as written.
    ('mime_emails/raw_email11.eml', 'to'): (
        "imap_tools blanks addresses without '@'", ('matmail',)),
    # 'From: Big Bug bb@bug.com' has no angle brackets.  Python returns the
    # whole text as the address; we take the addr-spec (and report the
    # repair in problems).
    ('plain_emails/mix_caps_content_type.eml', 'from'): (
        "Python keeps 'Big Bug bb@bug.com' whole as the address", 'bb@bug.com'),
    # The line 'quite Delivered-To: ...' has a space in its field name.
    # Python ends the header section there and loses every header after
    # it; GMime skips that one line and reads the rest.
    ('plain_emails/raw_email_incorrect_header.eml', 'subject'): (
        "Python stops reading headers at a malformed line",
        'Stop adware/spyware once and for all.'),
    ('plain_emails/raw_email_incorrect_header.eml', 'from'): (
        "Python stops reading headers at a malformed line", 'xxx@xxx.xxx'),
    ('plain_emails/raw_email_incorrect_header.eml', 'to'): (
        "Python stops reading headers at a malformed line", ('xxx@xxx.com',)),
    ('plain_emails/raw_email_incorrect_header.eml', 'date'): (
        "Python stops reading headers at a malformed line",
        1109197217),   # Wed, 23 Feb 2005 18:20:17 -0400
    # 'Mikel@Lindsaar <raasdnil@gmail.com>': an unquoted '@' in a display
    # name.  Python splits off 'Mikel@Lindsaar' as an address of its own;
    # we read it as the name of raasdnil@gmail.com.
    ('plain_emails/raw_email_with_at_display_name.eml', 'to'): (
        "Python makes an address of a display name holding '@'",
        ('smith@gmail.com', 'raasdnil@gmail.com', 'tom@gmail.com')),
    # RFC 5322 appendix A.6.3, obsolete syntax: white space before the
    # colons ('Subject     : Saying Hello') and comments inside the date.
    # Python takes 'From  : ...' for a Unix From_ line and sees no headers.
    ('rfc2822/example13.eml', 'subject'): (
        "Python does not read obsolete white space before ':'", 'Saying Hello'),
    ('rfc2822/example13.eml', 'date'): (
        "Python does not read obsolete white space before ':'",
        880127706),    # Fri, 21 Nov 1997 09:55:06 -0600
    ('rfc2822/example13.eml', 'from'): (
        "Python does not read obsolete white space before ':'", 'jdoe@machine.example'),
    # 'Re: TEST' CRLF SP CRLF TAB '=?ISO-2022-JP?B?...?=' ...  Python's
    # decode_header() strips the white space at the start of every folded
    # line; RFC 2047 (5.1, 6.2) keeps white space between text and an
    # encoded-word, and mikel/mail's spec for this very file expects
    # 'Re: TEST \tテストテスト'.  We turn the tab into a space.
    ('rfc2822/example14.eml', 'subject'): (
        "Python drops folding white space before an encoded-word",
        'Re: TEST  テストテスト'),
}

_stub = types.ModuleType('imap_tools')
_stub.EmailAddress = collections.namedtuple('EmailAddress', 'name email')
sys.modules['imap_tools'] = _stub


def load_data(path):
    scope = {}
    with open(path, encoding='utf-8') as f:
        code = compile(f.read(), path, 'exec')
    exec(code, scope)
    return scope['DATA']


def norm_subject(s):
    """Both sides the same way: RFC 5322 unfolding (imap_tools keeps the
    CRLF of a folded unencoded subject, we unfold) and surrounding white
    space stripped (we strip it, imap_tools keeps it)."""
    if s is None:
        return ''
    return s.replace('\r\n', '').replace('\n', '').replace('\r', '').strip()


def expected_unix(dt):
    """imap_tools gives datetime(1900, 1, 1) when it cannot parse the date
    (we give null), a naive datetime for '-0000' (UTC per RFC 5322 3.3),
    an aware one otherwise."""
    if dt == datetime.datetime(1900, 1, 1):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return int(dt.timestamp())


def flat_attachment_names(atts):
    """Our attachments in imap_tools' order: a message/rfc822 part, then the
    parts of the attached message (email.message.walk() descends into it)."""
    names = []
    for a in atts:
        names.append(a.get('filename') or '')
        nested = a.get('message')
        if nested:
            names.extend(flat_attachment_names(nested.get('attachments', [])))
    return names


def eml_files():
    out = []
    for d, _dirs, files in os.walk(MESSAGES):
        for name in files:
            if name.endswith('.eml'):
                out.append(os.path.relpath(os.path.join(d, name), MESSAGES))
    return sorted(out)


def check(rel, field, got, expected):
    """One fact; honours KNOWN_DIFFERENCES."""
    key = (rel, field)
    if key in KNOWN_DIFFERENCES:
        why, ours = KNOWN_DIFFERENCES[key]
        ok(got != expected,
           f"{rel}: {field} still differs from imap_tools ({why})",
           f"now equal to imap_tools: {got!r}; remove the KNOWN_DIFFERENCES entry")
        return eq(got, ours, f"{rel}: {field} is the value KNOWN_DIFFERENCES documents")
    return eq(got, expected, f"{rel}: {field}")


used_known = set()
count = 0
for rel in eml_files():
    py = os.path.join(DATA_DIR, os.path.splitext(rel)[0] + '.py')
    if not os.path.isfile(py):
        continue
    count += 1
    data = load_data(py)
    rc, msgs, summary, err = scan(os.path.join(MESSAGES, rel))
    if not eq(len(msgs), 1, f"{rel}: read as one message"):
        continue
    m = msgs[0]
    ok(summary is not None and summary['errors_total'] == 0, f"{rel}: no read errors",
       summary and summary.get('errors'))

    # subject: normalised on both sides, see norm_subject()
    check(rel, 'subject', norm_subject(m.get('subject')), norm_subject(data['subject']))
    # from_ is the addr-spec of the first From mailbox ('' when none)
    check(rel, 'from', m['from'].get('address') or '', data['from_'])
    # to is the tuple of the To addr-specs; mailhunt also keeps a recipient
    # written as a bare name (with a problem), which has no addr-spec to compare
    check(rel, 'to', tuple(a['address'] for a in m['to'] if a.get('address')), tuple(data['to']))
    check(rel, 'date', m.get('date_unix'), expected_unix(data['date']))
    # file names of imap_tools' attachments: parts with a file name, a
    # Content-ID, or of type message/rfc822; nameless ones ('' both sides)
    # are left out because which nameless parts count as attachments is a
    # policy choice (imap_tools: Content-ID; we: anything not body text).
    check(rel, 'attachment filenames',
          [n for n in flat_attachment_names(m['attachments']) if n],
          [a['filename'] for a in data['attachments'] if a['filename']])
    for field in ('subject', 'from', 'to', 'date', 'attachment filenames'):
        if (rel, field) in KNOWN_DIFFERENCES:
            used_known.add((rel, field))

ok(count >= 100, f"found {count} .eml files with imap_tools DATA")
stale = set(KNOWN_DIFFERENCES) - used_known
ok(not stale, "every KNOWN_DIFFERENCES entry names a checked file and field", sorted(stale))
done()
