#!/usr/bin/env python3
"""Generate a deterministic, harmless quarantine folder for bench-bulk.sh.

    gen-quarantine.py --out DIR [--count 50000] [--seed N]
                      [--docs-out DIR2 --docs 2000] [--stats FILE]

The same arguments give the same bytes (seeded random.Random, gzip with a
zero timestamp; Python 3.9 or later, standard library only; the gzip bytes
also depend on the zlib build).  Files are written one by one, so memory
stays small whatever the count.

The folder (--out) looks like a mail gateway's quarantine store:

* N files (--count, default 50,000) named after a queue id, spread over
  two levels of subdirectories by the id's first two hex digits
  (DIR/3/f/3F2A9C1B7D-000123.eml): 256 directories, about 200 files each
  at the default count.
* About 20 % of them gzip-compressed (--gzip-share), named .eml.gz
  (mailhunt and clamscan recognise gzip by its content anyway).
* About 5 % of them (--office-share) carry a harmless Office attachment:
  the bytes of one of the generated samples of the repository
  (samples-benign/office: macros that only show a message box, a remote
  template on a .invalid host, DDE fields that name no program, a plain
  .docx; samples-benign/lures: "Enable Content" screens as text and as
  pictures, with and without such a macro), half from each directory.  The
  attachment gets a varied file name (invoice, order, 請求書 ...) in a
  mail of its own, so no two messages are the same, but the attachment
  bytes repeat: there are only a few dozen samples.
* The mail itself comes from gen-mbox.py (imported, same vocabulary):
  English and Japanese (ISO-2022-JP and UTF-8, RFC 2047 headers), replies
  that quote, HTML alternatives, and about 10 % with a .pdf, .txt or .csv
  attachment (never an Office file, so that the Office share is exactly
  the samples).  Bodies are a third of gen-mbox.py's size (quarantined
  mail is mostly short; median about 5 KB of text) and attachments are
  smaller (median about 30 KB).  Each file starts with two gateway
  headers, X-Quarantine-ID and X-Spam-Status; mbox separators, mboxrd
  escapes and X-Mozilla headers are removed.

--docs-out DIR2 --docs M also writes M Office documents into DIR2
(doc-00001-invoice_2024.docm ...): byte-for-byte copies of the same
samples under different names.  bench-bulk.sh uses this only when the
build tree has no tests/gen-office, whose --bench set is varied in size
and content and therefore better (identical copies let a scanner that
caches by hash skip the repeats).

A JSON line of statistics is printed on standard output at the end (files,
bytes, gzip files, Office attachments by sample and extension, ...);
--stats FILE also writes it to FILE.  Nothing here is malware: every
attachment is a repository sample or random bytes behind a %PDF header.
"""
import argparse
import base64
import gzip
import importlib.util
import json
import os
import random
import re
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
MiB = 1024 * 1024


def load_gen_mbox():
    spec = importlib.util.spec_from_file_location("gen_mbox", os.path.join(HERE, "gen-mbox.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


gm = load_gen_mbox()

OFFICE_TYPES = {
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docm": "application/vnd.ms-word.document.macroEnabled.12",
    ".xls": "application/vnd.ms-excel",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
}
EN_STEMS = ["Invoice", "Order", "Payment_details", "Scan", "Document", "Remittance", "Statement",
            "Purchase_order", "Report", "Contract"]
JP_STEMS = ["請求書", "見積書", "注文書", "納品書", "支払通知書", "発注書", "資料", "報告書", "契約書"]
BODY_SCALE = 3          # bodies a third of gen-mbox.py's


def samples(root, pool):
    """Sorted (directory, name) lists of the Office samples of one pool."""
    d = os.path.join(root, pool)
    names = sorted(n for n in os.listdir(d) if os.path.splitext(n)[1] in OFFICE_TYPES)
    return [(pool, n) for n in names]


def attachment_headers(name, ctype, jp, r):
    """Content-Type and Content-Disposition of an attachment as the mailers
    of gen-mbox.py write them (RFC 2231 or RFC 2047 for Japanese names)."""
    if jp and r.random() < 0.5:
        q = urllib.parse.quote(name.encode("utf-8"), safe="")
        ct = "%s;\n name=\"%s\"" % (ctype, gm.encoded_words(name, "UTF-8"))
        cd = "attachment;\n filename*=UTF-8''%s" % q
    elif jp:
        ew = gm.encoded_words(name, "ISO-2022-JP")
        ct = "%s;\n name=\"%s\"" % (ctype, ew)
        cd = "attachment;\n filename=\"%s\"" % ew
    else:
        ct = "%s; name=\"%s\"" % (ctype, name)
        cd = "attachment; filename=\"%s\"" % name
    return "Content-Type: %s\nContent-Disposition: %s\nContent-Transfer-Encoding: base64\n" % (ct, cd)


class QuarantineGen(gm.Gen):
    """gen-mbox.py's messages, shorter, and without Office attachments of
    its own (the Office share is the samples, added by the caller)."""

    def body_text(self, pool, size, quote_from=None):
        return super().body_text(pool, max(size // BODY_SCALE, 200), quote_from)

    def attachment(self, jp):
        r = self.rng
        raw_size = int(min(max(r.lognormvariate(10.3, 0.8), 1024), MiB))   # median ~ 30 KB
        kind = r.random()
        stem = r.choice(["見積書", "議事録", "資料", "報告書", "請求書"]) if jp else \
            r.choice(["report", "minutes", "proposal", "invoice", "notes"])
        stem += "_%d%02d" % (2023 + r.randint(0, 1), r.randint(1, 12))
        if kind < 0.55:
            name, ctype = stem + ".pdf", "application/pdf"
            data = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + r.randbytes(raw_size) + b"\n%%EOF\n"
        elif kind < 0.8:
            name, ctype = stem + ".txt", "text/plain"
            data = gm.Gen.body_text(self, self.jp_utf8 if jp else self.en, raw_size)
        else:
            name, ctype = stem + ".csv", "text/csv"
            rows, n = [b"id,date,amount,comment\n"], 0
            while n < raw_size:
                row = b"%d,2024-%02d-%02d,%d,%s\n" % (len(rows), r.randint(1, 12), r.randint(1, 28),
                                                     r.randint(100, 999999),
                                                     r.choice(gm.EN_WORDS).encode("ascii"))
                rows.append(row)
                n += len(row)
            data = b"".join(rows)
        return attachment_headers(name, ctype, jp, r), base64.encodebytes(data)


def to_eml(mbox_msg):
    """One gen-mbox.py message (separator line, X-Mozilla headers, mboxrd
    escapes, trailing blank line) as a plain RFC 5322 file."""
    msg = mbox_msg.split(b"\n", 1)[1]
    if msg.endswith(b"\n\n"):
        msg = msg[:-1]
    head, sep, body = msg.partition(b"\n\n")
    head = re.sub(rb"(?m)^X-Mozilla-[^\n]*\n", b"", head + b"\n")[:-1]
    body = re.sub(rb"(?m)^>(>*From )", rb"\1", body)
    # the top headers hold "From " only in folded header text, never at a
    # line start, so only the body had escapes
    return head, body


def add_office(head, body, name, data, jp, r):
    """Wraps the message's own content as the first part of a new
    multipart/mixed whose second part is the Office attachment."""
    p = head.find(b"\nContent-Type:")
    if p < 0:
        raise ValueError("generated message without Content-Type")
    top, ctblock = head[:p + 1], head[p + 1:] + b"\n"
    boundary = "------------%s" % "".join(r.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(24))
    ext = os.path.splitext(name)[1]
    new_head = top + ("Content-Type: multipart/mixed;\n boundary=\"%s\"" % boundary).encode("ascii")
    if not body.endswith(b"\n"):
        body += b"\n"
    new_body = (("This is a multi-part message in MIME format.\n--%s\n" % boundary).encode("ascii")
                + ctblock + b"\n" + body
                + ("\n--%s\n" % boundary).encode("ascii")
                + attachment_headers(name, OFFICE_TYPES[ext], jp, r).encode("ascii") + b"\n"
                + base64.encodebytes(data)
                + ("\n--%s--\n" % boundary).encode("ascii"))
    return new_head, new_body


def office_name(sample, r, jp):
    ext = os.path.splitext(sample)[1]
    if jp:
        stem = "%s_%d%02d%02d" % (r.choice(JP_STEMS), 2023 + r.randint(0, 1), r.randint(1, 12), r.randint(1, 28))
    else:
        stem = "%s_%d" % (r.choice(EN_STEMS), r.randint(1000, 99999))
    return stem + ext


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", help="quarantine folder to write (must not exist or be empty)")
    ap.add_argument("--count", type=int, default=50000, help=".eml files (default 50000)")
    ap.add_argument("--seed", type=int, default=20240607, help="PRNG seed (default 20240607)")
    ap.add_argument("--gzip-share", type=float, default=0.20, help="share of gzip files (default 0.20)")
    ap.add_argument("--office-share", type=float, default=0.05,
                    help="share of files with an Office attachment (default 0.05)")
    ap.add_argument("--samples", default=os.path.join(HERE, "..", "..", "samples-benign"),
                    help="the samples-benign directory (default: the repository's)")
    ap.add_argument("--docs-out", help="also write --docs Office documents (copies of the samples) here")
    ap.add_argument("--docs", type=int, default=2000, help="documents for --docs-out (default 2000)")
    ap.add_argument("--stats", help="also write the statistics line (JSON) to this file")
    a = ap.parse_args(argv)
    if not a.out and not a.docs_out:
        ap.error("give --out, --docs-out or both")
    if a.count < 0 or a.count > 10_000_000 or a.docs < 0 or a.docs > 1_000_000:
        ap.error("--count from 0 to 10,000,000, --docs from 0 to 1,000,000")

    pools = {p: samples(a.samples, p) for p in ("office", "lures")}
    if not pools["office"] or not pools["lures"]:
        ap.error("no Office samples under %s/office and %s/lures" % (a.samples, a.samples))
    blobs = {}

    def blob(s):
        if s not in blobs:
            with open(os.path.join(a.samples, *s), "rb") as f:
                blobs[s] = f.read()
        return blobs[s]

    stats = {"seed": a.seed}
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        if os.listdir(a.out):
            ap.error("%s is not empty" % a.out)
        g = QuarantineGen(a.seed)
        q = random.Random(a.seed ^ 0x5EED)     # the quarantine's own choices
        st = {"files": 0, "bytes": 0, "message_bytes": 0, "gzip_files": 0, "office_attachments": 0,
              "office_by_pool": {"office": 0, "lures": 0}, "office_by_extension": {},
              "office_by_sample": {}, "directories": 0}
        dirs = set()
        for i in range(a.count):
            mbox_msg = g.message()
            g.stats["messages"] += 1
            head, body = to_eml(mbox_msg)
            jp = b"Content-Language: ja" in head
            if q.random() < a.office_share:
                pool = "office" if q.random() < 0.5 else "lures"
                s = q.choice(pools[pool])
                name = office_name(s[1], q, jp)
                head, body = add_office(head, body, name, blob(s), jp, q)
                st["office_attachments"] += 1
                st["office_by_pool"][pool] += 1
                ext = os.path.splitext(s[1])[1]
                st["office_by_extension"][ext] = st["office_by_extension"].get(ext, 0) + 1
                key = "%s/%s" % s
                st["office_by_sample"][key] = st["office_by_sample"].get(key, 0) + 1
            qid = "%010X" % q.getrandbits(40)
            gw = ("X-Quarantine-ID: <%s-%06d>\nX-Spam-Status: Yes, score=%.1f required=5.0\n"
                  % (qid, i, 5 + q.random() * 20)).encode("ascii")
            data = gw + head + b"\n\n" + body
            gz = q.random() < a.gzip_share
            d = os.path.join(a.out, qid[0].lower(), qid[1].lower())
            if d not in dirs:
                os.makedirs(d, exist_ok=True)
                dirs.add(d)
            path = os.path.join(d, "%s-%06d.eml" % (qid, i))
            st["message_bytes"] += len(data)
            if gz:
                path += ".gz"
                data = gzip.compress(data, compresslevel=6, mtime=0)
                st["gzip_files"] += 1
            with open(path, "wb") as f:
                f.write(data)
            st["files"] += 1
            st["bytes"] += len(data)
        st["directories"] = len(dirs)
        st["messages"] = {k: g.stats[k] for k in ("japanese", "english", "replies", "attachments",
                                                   "html_alternatives")}
        stats["quarantine"] = st

    if a.docs_out:
        os.makedirs(a.docs_out, exist_ok=True)
        r = random.Random(a.seed ^ 0xD0C5)
        allsamples = pools["office"] + pools["lures"]
        dst = {"documents": a.docs, "bytes": 0, "identical_copies": True, "distinct": 0}
        used = set()
        for i in range(a.docs):
            pool = "office" if r.random() < 0.5 else "lures"
            s = r.choice(pools[pool])
            used.add(s)
            name = "doc-%05d-%s" % (i + 1, office_name(s[1], r, r.random() < 0.5))
            with open(os.path.join(a.docs_out, name), "wb") as f:
                f.write(blob(s))
            dst["bytes"] += len(blob(s))
        dst["distinct"] = len(used)
        dst["samples"] = len(allsamples)
        stats["docs"] = dst

    line = json.dumps(stats, sort_keys=True, ensure_ascii=False)
    if a.stats:
        with open(a.stats, "w") as f:
            f.write(line + "\n")
    sys.stdout.write(line + "\n")


if __name__ == "__main__":
    main()
