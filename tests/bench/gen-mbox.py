#!/usr/bin/env python3
"""Generate a large, deterministic, harmless mbox for benchmarking mailhunt.

    gen-mbox.py --size-mb 1024 --out /tmp/bench/1g.mbox [--seed N]

The same arguments give the same bytes (seeded random.Random; Python 3.9
or later, standard library only).  The file is written message by message,
so memory stays small whatever the size.  Generation stops at the first
message boundary at or past the requested size, so the file is at most one
message larger than asked.

What is in it (all people and hosts are fictitious, on example.com and
example.co.jp, addresses from the documentation ranges of RFC 5737):

* Thunderbird-style mbox: "From - <ctime date>" separators, X-Mozilla-Status
  headers, a blank line between messages, LF line ends; body lines that
  start with "From " (or ">From ", ">>From " ...) get one more ">" (mboxrd).
* Japanese mail (about 55 %): subjects and display names RFC 2047 encoded in
  ISO-2022-JP (some in UTF-8), bodies in ISO-2022-JP (7bit) or UTF-8 (8bit
  or base64), some with an HTML alternative.
* English mail: us-ascii / UTF-8 bodies, some with a quoted-printable HTML
  alternative.
* Realistic headers: a Received chain, Return-Path, Message-ID, Date, and
  In-Reply-To / References on replies (about 40 %, quoting earlier text).
* About 10 % of messages carry a base64 attachment: a .pdf (a "%PDF-"
  header over random bytes), a .docx (a stored ZIP holding plain XML text,
  no macros), or a .txt/.csv text file.  Nothing in it is malware.

Messages average about 48 KB, so 1 GiB holds about 22,500 of them.  A line
of statistics (JSON) is printed on standard output at the end (messages,
bytes, attachments, replies, ...); --stats FILE also writes it to FILE.
"""
import argparse
import base64
import datetime
import io
import json
import quopri
import re
import random
import sys
import urllib.parse
import zipfile

MiB = 1024 * 1024

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# ---------------------------------------------------------------- vocabulary

JP_FAMILY = [("山田", "yamada"), ("田中", "tanaka"), ("佐藤", "sato"), ("鈴木", "suzuki"),
             ("高橋", "takahashi"), ("伊藤", "ito"), ("渡辺", "watanabe"), ("中村", "nakamura"),
             ("小林", "kobayashi"), ("加藤", "kato"), ("吉田", "yoshida"), ("山本", "yamamoto"),
             ("松本", "matsumoto"), ("井上", "inoue"), ("木村", "kimura"), ("清水", "shimizu"),
             ("林", "hayashi"), ("斎藤", "saito"), ("森", "mori"), ("池田", "ikeda")]
JP_GIVEN = [("太郎", "taro"), ("花子", "hanako"), ("一郎", "ichiro"), ("美咲", "misaki"),
            ("健太", "kenta"), ("陽子", "yoko"), ("大輔", "daisuke"), ("直美", "naomi"),
            ("翔太", "shota"), ("由美", "yumi"), ("拓也", "takuya"), ("恵子", "keiko"),
            ("誠", "makoto"), ("彩", "aya"), ("浩", "hiroshi"), ("裕子", "yuko")]
EN_FIRST = ["Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Irene",
            "James", "Karen", "Liam", "Mia", "Noah", "Olivia", "Peter", "Quinn", "Rachel",
            "Samuel", "Tara", "Victor", "Wendy"]
EN_LAST = ["Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson", "Moore", "Clark",
           "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green"]
JP_DOMAINS = ["example.co.jp", "sales.example.co.jp", "mail.example.co.jp"]
EN_DOMAINS = ["example.com", "corp.example.com", "lists.example.com"]

JP_PROJECTS = ["新製品企画", "基幹システム更改", "年度予算", "展示会出展", "品質改善", "採用計画",
               "営業資料", "保守契約", "社内研修", "物流改善"]
JP_SUBJECTS = ["【ご確認】{p}の資料について", "{p}の打ち合わせ日程のご相談（{m}月{d}日）",
               "{p}に関するお見積りの件", "{m}月度の定例会議議事録", "【共有】{p}の進捗報告",
               "{p}の件で確認させてください", "請求書送付のご案内（{m}月分）", "【重要】{p}スケジュール変更のお知らせ",
               "{p}のレビュー依頼", "お疲れ様です。{p}の件", "{m}月{d}日の来訪について",
               "{p}：第{n}版をお送りします"]
JP_SENTENCES = [
    "いつもお世話になっております。", "先日はお忙しいところありがとうございました。",
    "{p}の件でご連絡いたしました。", "添付の資料をご確認いただけますでしょうか。",
    "ご不明な点がございましたら、お気軽にお問い合わせください。",
    "来週の打ち合わせは{m}月{d}日の午後{h}時からでいかがでしょうか。",
    "前回の議事録を共有いたします。", "修正版を第{n}版としてお送りします。",
    "担当者の{f}より改めてご連絡差し上げます。", "本件、社内で検討した結果をご報告いたします。",
    "予算については{n}百万円程度を想定しております。", "納期は{m}月末を予定しております。",
    "お手数をおかけしますが、よろしくお願いいたします。", "取り急ぎご連絡まで。",
    "会議室は本社{n}階の第二会議室を予約しております。", "資料の{n}ページ目に誤記がございました。",
    "引き続きよろしくお願い申し上げます。", "ご確認のほど、何卒よろしくお願いいたします。",
    "以下、変更点をまとめます。", "品質管理部門からのコメントを反映いたしました。",
    "先方からは特に問題ないとの回答をいただいております。", "詳細は別途メールにてお知らせいたします。",
    "今期の売上は前年比{n}パーセント増となりました。", "出張の日程が決まりましたので共有します。",
    "システムの定期保守のため、{m}月{d}日は一時停止いたします。", "ご多忙のところ恐縮ですが、ご回答をお願いいたします。",
    "現在、{p}の仕様を最終確認しております。", "東京と大阪の両拠点で説明会を開催いたします。",
    "参加者は{n}名を予定しております。", "アンケートの集計結果を添付いたしました。",
]
EN_SUBJECTS = ["Minutes of the {m}/{d} project meeting", "Quarterly report draft v{n}",
               "Question about the {w} schedule", "Invoice for {M} services", "Re-scheduling our call",
               "Updated {w} requirements", "Lunch on Friday?", "Review request: {w} proposal",
               "Travel plans for the {w} workshop", "Status update #{n}", "Welcome to the {w} team",
               "Notes from the customer visit"]
EN_WORDS = ["budget", "release", "migration", "training", "roadmap", "logistics", "support",
            "marketing", "hiring", "security", "design", "quality"]
EN_SENTENCES = [
    "Thanks for the quick reply.", "Please find my comments below.",
    "I have updated the spreadsheet with the latest numbers from the {w} team.",
    "Could you confirm the meeting on {M} {d} at {h} pm?", "Let me know if anything is unclear.",
    "The {w} review went well and we agreed on the next steps.", "We expect the final version by the end of {M}.",
    "I will forward the minutes to everyone who could not attend.", "Our budget for this phase is about {n}0,000 dollars.",
    "The vendor has not answered yet, so I will call them tomorrow.", "Attached is version {n} of the document.",
    "Best regards, and have a nice weekend.", "I think we should move the deadline by one week.",
    "The customer asked for a short demo of the {w} dashboard.", "Please review sections {n} and {d} before Thursday.",
    "As far as I understand, the new process starts next month.", "We have {n} open tickets left in the backlog.",
    "Sorry for the late answer, I was travelling.", "Here is a summary of the decisions we made.",
    "The conference room on floor {n} is booked for the whole afternoon.",
    "I agree with most of the points, with two small exceptions.", "Can we discuss the {w} plan in our next call?",
    "Everybody in the office is invited to the celebration on Friday.", "The printer on the third floor is fixed now.",
]
# Lines that put "From " (and ">From ") at a line start in a body, as mboxrd
# writers must escape.
FROM_LINES = ["From the notes of the last meeting:", "From my side everything is ready.",
              "From: Alice Smith <alice.smith@example.com> (forwarded message below)", ">From the archive, quoted by a mailer that escaped it"]

# ---------------------------------------------------------------- helpers


def ctime(t):
    """ctime()-style date: 'Tue Jun  4 09:12:33 2024'."""
    return "%s %s %2d %02d:%02d:%02d %d" % (DAYS[t.weekday()], MONTHS[t.month - 1], t.day,
                                            t.hour, t.minute, t.second, t.year)


def rfc_date(t, tz):
    return "%s, %d %s %d %02d:%02d:%02d %s" % (DAYS[t.weekday()], t.day, MONTHS[t.month - 1], t.year,
                                               t.hour, t.minute, t.second, tz)


def encoded_words(text, charset):
    """RFC 2047 B-encoding, split so each encoded word stays under 75 chars
    and (for ISO-2022-JP) holds complete escape sequences."""
    codec = "iso2022_jp" if charset == "ISO-2022-JP" else "utf-8"
    words, step = [], (12 if codec == "iso2022_jp" else 13)
    for i in range(0, len(text), step):
        raw = text[i:i + step].encode(codec)
        words.append("=?%s?B?%s?=" % (charset, base64.b64encode(raw).decode("ascii")))
    return "\n ".join(words)


def fold_refs(ids):
    return "\n ".join(ids)


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        r = self.rng
        self.jp_people = []
        for fam, fr in JP_FAMILY:
            for given, gr in r.sample(JP_GIVEN, 3):
                self.jp_people.append((fam + " " + given, "%s.%s@%s" % (gr, fr, r.choice(JP_DOMAINS))))
        self.en_people = []
        for first in EN_FIRST:
            for last in r.sample(EN_LAST, 3):
                self.en_people.append((first + " " + last,
                                       "%s.%s@%s" % (first.lower(), last.lower(), r.choice(EN_DOMAINS))))
        # pools of paragraphs, pre-encoded (bytes, LF line ends, each line
        # of a Japanese paragraph encoded on its own so that ISO-2022-JP
        # returns to ASCII before every line end)
        self.jp_utf8, self.jp_jis, self.en = [], [], []
        for _ in range(1500):
            lines = self._jp_lines()
            self.jp_utf8.append("".join(l + "\n" for l in lines).encode("utf-8") + b"\n")
            self.jp_jis.append(b"".join(l.encode("iso2022_jp") + b"\n" for l in lines) + b"\n")
        for _ in range(1500):
            self.en.append(self._en_para().encode("ascii") + b"\n")
        self.recent = []          # (message-id, subject, language) replied to later
        self.t = datetime.datetime(2023, 4, 3, 8, 30, 0)
        self.stats = {"messages": 0, "bytes": 0, "japanese": 0, "english": 0, "replies": 0,
                      "attachments": 0, "html_alternatives": 0, "escaped_from_lines": 0,
                      "bodies": {"iso-2022-jp": 0, "utf-8/8bit": 0, "utf-8/base64": 0, "ascii": 0}}

    # -- text
    def _fill(self, s):
        r = self.rng
        return s.format(p=r.choice(JP_PROJECTS), m=r.randint(1, 12), d=r.randint(1, 28),
                        h=r.randint(1, 5), n=r.randint(2, 9), f=r.choice(self.jp_people)[0].split()[0],
                        w=r.choice(EN_WORDS), M=r.choice(MONTHS))

    def _jp_lines(self):
        r = self.rng
        text = "".join(self._fill(r.choice(JP_SENTENCES)) for _ in range(r.randint(3, 8)))
        width = r.randint(30, 38)
        return [text[i:i + width] for i in range(0, len(text), width)]

    def _en_para(self):
        r = self.rng
        words = " ".join(self._fill(r.choice(EN_SENTENCES)) for _ in range(r.randint(3, 7))).split()
        lines, cur = [], ""
        for w in words:
            if cur and len(cur) + 1 + len(w) > 72:
                lines.append(cur)
                cur = w
            else:
                cur = cur + " " + w if cur else w
        lines.append(cur)
        return "".join(l + "\n" for l in lines)

    def body_text(self, pool, size, quote_from=None):
        """Paragraphs from @pool until about @size bytes; replies quote."""
        r = self.rng
        parts, n = [], 0
        quoted = quote_from is not None and r.random() < 0.8
        while n < size:
            p = r.choice(pool)
            if quoted and n > size // 3:
                if quote_from:
                    parts.append(quote_from)
                    quote_from = b""
                p = b"".join(b"> " + l + b"\n" if l else b">\n" for l in p.split(b"\n")[:-1])
            parts.append(p)
            n += len(p)
        if r.random() < 0.03:
            # a line a naive mbox writer would take for a separator
            line = self._fill(r.choice(FROM_LINES)).encode("ascii") + b"\n"
            parts.insert(r.randrange(len(parts) + 1), line)
        return b"".join(parts)

    # -- MIME parts
    def text_part(self, jp, size, quote_line):
        """Headers and body of a text/plain part (and whether it was jis)."""
        r = self.rng
        if jp:
            kind = r.random()
            if kind < 0.5:
                self.stats["bodies"]["iso-2022-jp"] += 1
                body = self.body_text(self.jp_jis, size, quote_line)
                return ("Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n", body)
            body = self.body_text(self.jp_utf8, size, quote_line)
            if kind < 0.75:
                self.stats["bodies"]["utf-8/8bit"] += 1
                return ("Content-Type: text/plain; charset=UTF-8; format=flowed\n"
                        "Content-Transfer-Encoding: 8bit\n", body)
            self.stats["bodies"]["utf-8/base64"] += 1
            return ("Content-Type: text/plain; charset=\"UTF-8\"\nContent-Transfer-Encoding: base64\n",
                    base64.encodebytes(body))
        self.stats["bodies"]["ascii"] += 1
        body = self.body_text(self.en, size, quote_line)
        cs = "us-ascii" if r.random() < 0.5 else "UTF-8"
        return ("Content-Type: text/plain; charset=%s; format=flowed\nContent-Transfer-Encoding: 7bit\n" % cs, body)

    @staticmethod
    def html_of(text):
        paras = text.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;").split(b"\n\n")
        return (b"<html>\n<head><meta http-equiv=\"content-type\" content=\"text/html; charset=UTF-8\"></head>\n"
                b"<body>\n" + b"".join(b"<p>" + p.replace(b"\n", b"<br>\n") + b"</p>\n" for p in paras if p)
                + b"</body>\n</html>\n")

    def attachment(self, jp):
        r = self.rng
        raw_size = int(min(max(r.lognormvariate(11.5, 0.7), 2048), 3 * MiB))   # median ~ 100 KB
        kind = r.random()
        stem = r.choice(["見積書", "議事録", "資料", "報告書", "請求書"]) if jp else \
            r.choice(["report", "minutes", "proposal", "invoice", "notes"])
        stem += "_%d%02d" % (2023 + r.randint(0, 1), r.randint(1, 12))
        if kind < 0.4:
            name, ctype = stem + ".pdf", "application/pdf"
            data = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + r.randbytes(raw_size) + b"\n%%EOF\n"
        elif kind < 0.7:
            name, ctype = stem + ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            data = self.docx(raw_size, jp)
        else:
            ext = ".txt" if kind < 0.85 else ".csv"
            name, ctype = stem + ext, "text/plain" if ext == ".txt" else "text/csv"
            if ext == ".csv":
                rows, n = [b"id,date,amount,comment\n"], 0
                while n < raw_size:
                    row = b"%d,2024-%02d-%02d,%d,%s\n" % (len(rows), r.randint(1, 12), r.randint(1, 28),
                                                         r.randint(100, 999999),
                                                         r.choice(EN_WORDS).encode("ascii"))
                    rows.append(row)
                    n += len(row)
                data = b"".join(rows)
            else:
                data = self.body_text(self.jp_utf8 if jp else self.en, raw_size)
        if jp and r.random() < 0.5:
            # Thunderbird: RFC 2231 parameter; name= as RFC 2047 for old readers
            q = urllib.parse.quote(name.encode("utf-8"), safe="")
            ct = "%s;\n name=\"%s\"" % (ctype, encoded_words(name, "UTF-8"))
            cd = "attachment;\n filename*=UTF-8''%s" % q
        elif jp:
            # Outlook / Becky!: RFC 2047 in ISO-2022-JP inside the quotes
            ew = encoded_words(name, "ISO-2022-JP")
            ct = "%s;\n name=\"%s\"" % (ctype, ew)
            cd = "attachment;\n filename=\"%s\"" % ew
        else:
            ct = "%s; name=\"%s\"" % (ctype, name)
            cd = "attachment; filename=\"%s\"" % name
        return ("Content-Type: %s\nContent-Disposition: %s\nContent-Transfer-Encoding: base64\n" % (ct, cd),
                base64.encodebytes(data))

    def docx(self, size, jp):
        """A plain OOXML word document (stored ZIP, fixed timestamps): text only, no macros."""
        r = self.rng
        pool = self.jp_utf8 if jp else self.en
        paras, n = [], 0
        while n < size:
            p = r.choice(pool).replace(b"&", b"&amp;").replace(b"<", b"&lt;")
            paras.append(b"<w:p><w:r><w:t>" + p.replace(b"\n", b" ") + b"</w:t></w:r></w:p>")
            n += len(paras[-1])
        doc = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
               b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
               + b"".join(paras) + b"</w:body></w:document>")
        files = [
            ("[Content_Types].xml", b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns='
             b'"http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
             b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
             b'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
             b'"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
            ("_rels/.rels", b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
             b'"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
             b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
             b'Target="word/document.xml"/></Relationships>'),
            ("word/document.xml", doc),
        ]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
            for fname, content in files:
                info = zipfile.ZipInfo(fname, date_time=(2024, 1, 1, 0, 0, 0))
                info.create_system = 0
                info.external_attr = 0
                z.writestr(info, content)
        return out.getvalue()

    # -- whole messages
    def message(self):
        r = self.rng
        self.t += datetime.timedelta(seconds=r.randint(30, 2 * 3600))
        t = self.t
        jp = r.random() < 0.55
        self.stats["japanese" if jp else "english"] += 1
        people = self.jp_people if jp else self.en_people
        sender, rcpt = r.sample(people, 2)
        cc = r.sample(people, r.randint(1, 3)) if r.random() < 0.3 else []
        tz = "+0900" if jp else r.choice(["+0000", "-0500", "+0100"])
        idx = self.stats["messages"]

        reply = None
        if self.recent and r.random() < 0.4:
            reply = self.recent[r.randrange(len(self.recent))]
            if reply[2] != jp:
                reply = None
        if reply:
            self.stats["replies"] += 1
            subject = ("Re: " if r.random() < 0.7 else "RE: ") + reply[1]
            refs = reply[3] + [reply[0]]
            quote_line = ("On %s, <%s> wrote:\n" % (rfc_date(t - datetime.timedelta(hours=3), tz),
                                                      rcpt[1])).encode("ascii")
        else:
            tmpl = r.choice(JP_SUBJECTS if jp else EN_SUBJECTS)
            subject = self._fill(tmpl)
            refs = []
            quote_line = None
        mid = "<%08x-%04x-%04x-%012x@%s>" % (r.getrandbits(32), r.getrandbits(16), idx & 0xffff,
                                            r.getrandbits(48), sender[1].split("@")[1])
        self.recent.append((mid, subject if not subject.lower().startswith("re: ") else subject[4:], jp,
                            refs[-5:]))
        if len(self.recent) > 200:
            self.recent.pop(0)

        # header text (display names and subject RFC 2047-encoded for Japanese)
        hcs = "ISO-2022-JP" if (not jp or r.random() < 0.9) else "UTF-8"

        def addr(p):
            if jp:
                return "%s <%s>" % (encoded_words(p[0], hcs), p[1])
            return "%s <%s>" % (p[0], p[1])

        subj = encoded_words(subject, hcs) if jp else subject
        sdom = sender[1].split("@")[1]
        rdom = rcpt[1].split("@")[1]
        rt = t - datetime.timedelta(seconds=r.randint(1, 20))
        qid = "%010X" % r.getrandbits(40)
        h = []
        h.append("From - %s\n" % ctime(t))
        h.append("X-Mozilla-Status: %s\nX-Mozilla-Status2: 00000000\nX-Mozilla-Keys: %s\n"
                 % (r.choice(["0001", "0001", "0000", "0003"]), " " * 80))
        h.append("Return-Path: <%s>\n" % sender[1])
        h.append("Delivered-To: %s\n" % rcpt[1])
        mx = r.randint(1, 3)
        h.append("Received: from mx%d.%s (mx%d.%s [192.0.2.%d])\n\tby imap.%s (Postfix) with ESMTPS id %s\n"
                 "\tfor <%s>; %s\n" % (mx, rdom, mx, rdom, r.randint(2, 250), rdom, qid, rcpt[1], rfc_date(t, tz)))
        h.append("Received: from smtp.%s (smtp.%s [198.51.100.%d])\n\tby mx%d.%s (Postfix) with ESMTPS id %010X\n"
                 "\tfor <%s>; %s\n" % (sdom, sdom, r.randint(2, 250), mx, rdom, r.getrandbits(40), rcpt[1],
                                      rfc_date(rt, tz)))
        ip = r.randint(2, 250)
        h.append("Received: from [203.0.113.%d] (unknown [203.0.113.%d])\n\tby smtp.%s (Postfix) with ESMTPSA id "
                 "%010X;\n\t%s\n" % (ip, ip, sdom, r.getrandbits(40),
                                     rfc_date(rt - datetime.timedelta(seconds=2), tz)))
        h.append("Authentication-Results: mx%d.%s; spf=pass smtp.mailfrom=%s; dkim=pass header.d=%s\n"
                 % (mx, rdom, sender[1], sdom))
        h.append("Message-ID: %s\n" % mid)
        h.append("Date: %s\n" % rfc_date(rt - datetime.timedelta(seconds=3), tz))
        h.append("MIME-Version: 1.0\n")
        h.append("User-Agent: %s\n" % r.choice(["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) "
                                                "Gecko/20100101 Thunderbird/115.6.0",
                                                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
                                                "Thunderbird/128.3.1"]))
        if reply:
            h.append("In-Reply-To: %s\n" % reply[0])
            h.append("References: %s\n" % fold_refs(refs[-5:]))
        h.append("Content-Language: %s\n" % ("ja" if jp else "en-US"))
        h.append("From: %s\n" % addr(sender))
        h.append("To: %s\n" % addr(rcpt))
        if cc:
            h.append("Cc: %s\n" % ",\n ".join(addr(p) for p in cc))
        h.append("Subject: %s\n" % subj)

        # body: median ~ 14 KB of text, a long tail
        size = int(min(max(r.lognormvariate(9.55, 0.9), 400), 600 * 1024))
        ctype, body = self.text_part(jp, size, quote_line)
        html = r.random() < 0.25 and not ctype.startswith("Content-Type: text/plain; charset=ISO-2022-JP")
        if html:
            self.stats["html_alternatives"] += 1
            plain = base64.decodebytes(body) if "base64" in ctype else body
            alt_b = "------------%s" % "".join(r.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(24))
            body = (("--%s\n%s\n" % (alt_b, ctype)).encode("ascii") + body +
                    ("\n--%s\nContent-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: "
                     "quoted-printable\n\n" % alt_b).encode("ascii") +
                    quopri.encodestring(self.html_of(plain)) + ("\n--%s--\n" % alt_b).encode("ascii"))
            ctype = "Content-Type: multipart/alternative;\n boundary=\"%s\"\n" % alt_b
        if r.random() < 0.10:
            self.stats["attachments"] += 1
            mix_b = "------------%s" % "".join(r.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(24))
            ahead, adata = self.attachment(jp)
            body = (("This is a multi-part message in MIME format.\n--%s\n%s\n" % (mix_b, ctype)).encode("ascii")
                    + body + ("\n--%s\n%s\n" % (mix_b, ahead)).encode("ascii") + adata
                    + ("\n--%s--\n" % mix_b).encode("ascii"))
            ctype = "Content-Type: multipart/mixed; boundary=\"%s\"\n" % mix_b
        msg = ("".join(h[1:]) + ctype + "\n").encode("ascii") + body
        if not msg.endswith(b"\n"):
            msg += b"\n"
        # mboxrd: one more '>' on every line that reads as a (escaped) separator
        if b"From " in msg:
            msg, n = re.subn(rb"(?m)^(>*From )", rb">\1", msg)
            self.stats["escaped_from_lines"] += n
        return h[0].encode("ascii") + msg + b"\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, required=True, help="size to reach, in MiB (1024 = 1 GiB)")
    ap.add_argument("--out", required=True, help="mbox file to write ('-' for standard output)")
    ap.add_argument("--seed", type=int, default=20240601, help="PRNG seed (default 20240601)")
    ap.add_argument("--stats", help="also write the statistics line (JSON) to this file")
    a = ap.parse_args(argv)

    target = int(a.size_mb * MiB)
    g = Gen(a.seed)
    out = sys.stdout.buffer if a.out == "-" else open(a.out, "wb", buffering=4 * MiB)
    try:
        total = 0
        while total < target:
            m = g.message()
            out.write(m)
            total += len(m)
            g.stats["messages"] += 1
        g.stats["bytes"] = total
        g.stats["seed"] = a.seed
        g.stats["size_mb_requested"] = a.size_mb
    finally:
        if out is not sys.stdout.buffer:
            out.close()
        else:
            out.flush()
    line = json.dumps(g.stats, sort_keys=True)
    if a.stats:
        with open(a.stats, "w") as f:
            f.write(line + "\n")
    (sys.stderr if a.out == "-" else sys.stdout).write(line + "\n")


if __name__ == "__main__":
    main()
