"""samples-benign/lures/: the lure samples are what `gen-office --lures`
writes, and every file is built the way expected.tsv and README.md say.

(i)   gen-office --lures runs twice into temporary directories: both runs
      must be byte-identical.
(ii)  The committed directory has the same files, expected.tsv and README
      as a fresh run, the same documents without pictures byte for byte, and
      every committed picture has the size in pixels of the fresh one (not
      the same bytes: fonts and zlib may differ between machines).
(iii) Structure, read independently of mailhunt and libgsf: every ZIP with
      zipfile (the inline picture through r:embed and its relationship, the
      vbaProject.bin of a .docm); every .doc with a small compound-file
      reader written here (MS-CFB) — FIB, piece table, text in CP1252 or
      UTF-16LE, and for pictures the CHPX FKP of the 0x01 character
      (sprmCFSpec, sprmCPicLocation) leading to a PICF in the Data stream
      whose OfficeArt FBSE embeds a PNG BLIP equal to images/STEM.png.
      The text of each lure holds at least `require` of its template's
      phrases (src/data/lures.txt) verbatim, and no control's text reaches
      any template's `require`.
OCR of the pictures is not run here (mailhunt's own tests do that).
"""
import csv
import hashlib
import io
import os
import re
import struct
import subprocess
import tempfile
import time
import zipfile

import mhtest
from mhtest import eq, ok
from sampletools import CfbError, cfb_read, tree

SAMPLES = os.path.join(mhtest.srcdir(), 'samples-benign', 'lures')
LURES_TXT = os.path.join(mhtest.srcdir(), 'src', 'data', 'lures.txt')
GENERATOR = os.path.join(os.environ.get('MH_BUILDDIR', mhtest.srcdir()), 'tests', 'gen-office')
PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
COLUMNS = ['file', 'template', 'family', 'language', 'lure_in', 'macros', 'expected_verdict']
FAMILY_TEMPLATE = {
    'another-platform': 'windows10-mobile', 'earlier-version': 'earlier-version',
    'protected-view': 'protected-view', 'protected-document': 'document-protected',
    'fake-office-upgrade': 'word-upgrade', 'fake-windows-update': 'windows-update',
    'enable-macros': 'enable-macros',
}
CONTROL_PICTURE = {
    'control-memo-picture.docm': 'images/control-memo.png',
    'control-chart-picture.docx': 'images/control-chart.png',
    'control-photo.doc': 'images/control-photo.png',
}


def picture_size(data):
    """(width, height) of a PNG (IHDR) or a JPEG (first SOFn), else None."""
    if data[:8] == PNG_SIGNATURE and data[12:16] == b'IHDR':
        return struct.unpack_from('>II', data, 16)
    if data[:2] == b'\xff\xd8':
        i = 2
        while i + 4 <= len(data) and data[i] == 0xFF:
            marker, size = data[i + 1], struct.unpack_from('>H', data, i + 2)[0]
            if marker in (0xC0, 0xC1, 0xC2):
                h, w = struct.unpack_from('>HH', data, i + 5)
                return w, h
            i += 2 + size
    return None


# ---- lure templates ----

def read_templates():
    """name -> {'family', 'require', 'phrases': [(lang, text)]}."""
    templates, current = {}, None
    with open(LURES_TXT, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            key, _, value = line.partition(':')
            value = value.strip()
            if key == 'template':
                current = templates[value] = {'family': None, 'require': None, 'phrases': []}
            elif key == 'family':
                current['family'] = value
            elif key == 'require':
                current['require'] = int(value)
            elif key == 'phrase':
                lang, _, text = value.partition(':')
                current['phrases'].append((lang.strip(), text.strip()))
    for t in templates.values():
        if t['require'] is None:
            t['require'] = len(t['phrases'])
    return templates


def fold(text):
    """Case and white space folded, as a loose stand-in for mailhunt's
    normalisation (enough to see that a control stays well clear)."""
    return re.sub(r'\s+', ' ', text).casefold()


def verbatim_phrases(text, template, lang):
    return [p for lg, p in template['phrases'] if lg == lang and p in text]


def loose_phrases(text, template):
    t = fold(text)
    return [p for _, p in template['phrases'] if fold(p) in t]


# ---- Word 97 ----

SPRM_OPERAND = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}


def sprms(grpprl):
    """[(sprm, operand bytes)] of a grpprl."""
    out, i = [], 0
    while i + 2 <= len(grpprl):
        sprm = struct.unpack_from('<H', grpprl, i)[0]
        i += 2
        spra = sprm >> 13
        size = grpprl[i] + 1 if spra == 6 else SPRM_OPERAND[spra]
        start = i + 1 if spra == 6 else i
        out.append((sprm, grpprl[start:i + size]))
        i += size
    return out


def word_fib(w):
    csw = struct.unpack_from('<H', w, 32)[0]
    lw_at = 34 + 2 + csw * 2
    cslw = struct.unpack_from('<H', w, 34 + csw * 2)[0]
    fclcb_at = lw_at + cslw * 4 + 2
    return dict(flags=struct.unpack_from('<H', w, 10)[0], cb_mac=struct.unpack_from('<I', w, lw_at)[0],
                ccp_text=struct.unpack_from('<I', w, lw_at + 12)[0],
                pair=lambda n: struct.unpack_from('<II', w, fclcb_at + n * 8))


def word_text(where, w, table, fib):
    """(text, fc of CP 0, bytes per character) through the one-piece CLX."""
    fc_clx, lcb_clx = fib['pair'](33)
    clx = table[fc_clx:fc_clx + lcb_clx]
    ok(clx[:1] == b'\x02' and struct.unpack_from('<I', clx, 1)[0] == 16, f"{where}: the CLX is one piece")
    cp0, cp1, _, fc, _ = struct.unpack_from('<IIHIH', clx, 5)
    eq((cp0, cp1), (0, fib['ccp_text']), f"{where}: the piece covers CPs 0..ccpText")
    if fc & 0x40000000:
        start = (fc & 0x3FFFFFFF) // 2
        return w[start:start + cp1].decode('cp1252'), start, 1
    return w[fc:fc + 2 * cp1].decode('utf-16-le'), fc, 2


def check_word_picture(where, w, table, data, fib, text, text_fc, char_size, png):
    """The 0x01 character's CHPX leads to a PICF + OfficeArt data with @png."""
    fc_bte, lcb_bte = fib['pair'](12)
    if not ok(lcb_bte >= 12 and (lcb_bte - 4) % 8 == 0, f"{where}: a PlcfBteChpx", lcb_bte):
        return
    n = (lcb_bte - 4) // 8
    plc = table[fc_bte:fc_bte + lcb_bte]
    pns = struct.unpack_from(f'<{n}I', plc, (n + 1) * 4)
    pic_cp = text.find('\x01')
    ok(pic_cp >= 0 and text.count('\x01') == 1, f"{where}: one 0x01 picture character in the text")
    pic_fc = text_fc + pic_cp * char_size
    location = None
    for pn in pns:
        page = w[(pn & 0x3FFFFF) * 512:(pn & 0x3FFFFF) * 512 + 512]
        if not ok(len(page) == 512, f"{where}: the CHPX FKP is a whole page of WordDocument"):
            return
        crun = page[511]
        rgfc = struct.unpack_from(f'<{crun + 1}I', page, 0)
        for i in range(crun):
            b = page[(crun + 1) * 4 + i]
            props = dict(sprms(page[b * 2 + 1:b * 2 + 1 + page[b * 2]])) if b else {}
            covers = rgfc[i] <= pic_fc < rgfc[i + 1]
            if 0x6A03 in props:
                ok(covers and rgfc[i + 1] - rgfc[i] == char_size,
                   f"{where}: the run with sprmCPicLocation is the picture character", (rgfc, pic_fc))
                eq(props.get(0x0855), b'\x01', f"{where}: sprmCFSpec=1 on the picture character")
                location = struct.unpack('<I', props[0x6A03])[0]
    if not ok(location is not None, f"{where}: a CHPX with sprmCPicLocation"):
        return
    if not ok(data is not None, f"{where}: a Data stream"):
        return
    lcb, cb_header, mm = struct.unpack_from('<IHH', data, location)
    eq((cb_header, mm), (0x44, 0x0064), f"{where}: PICF cbHeader 0x44, mfpf.mm MM_SHAPE")
    ok(location + lcb <= len(data), f"{where}: the PICF's lcb fits in the Data stream")
    dxa, dya, mx, my = struct.unpack_from('<hhHH', data, location + 28)
    w_px, h_px = picture_size(png)
    ok(dxa > 0 and dya > 0 and abs(dxa * h_px - dya * w_px) <= w_px, f"{where}: dxaGoal/dyaGoal keep the aspect",
       (dxa, dya, w_px, h_px))
    eq((mx, my), (1000, 1000), f"{where}: mx = my = 1000")
    i, end, blips = location + 0x44, location + lcb, []
    while i + 8 <= end:
        ver_inst, rtype, rlen = struct.unpack_from('<HHI', data, i)
        if rtype == 0xF004:
            eq(ver_inst & 0xF, 0xF, f"{where}: OfficeArtSpContainer is a container")
            inner = data[i + 8:i + 8 + rlen]
            kinds = [struct.unpack_from('<H', inner, 2)[0]]
            fsp_len = struct.unpack_from('<I', inner, 4)[0]
            kinds.append(struct.unpack_from('<H', inner, 8 + fsp_len + 2)[0])
            eq(kinds, [0xF00A, 0xF00B], f"{where}: the shape has an FSP and an FOPT")
            fopt = inner[8 + fsp_len:]
            nprops = struct.unpack_from('<H', fopt, 0)[0] >> 4
            props = [struct.unpack_from('<HI', fopt, 8 + k * 6) for k in range(nprops)]
            ok(any(pid & 0x3FFF == 0x0104 and value == 1 for pid, value in props), f"{where}: FOPT pib=1", props)
        elif rtype == 0xF007:
            bt_win, bt_mac = data[i + 8], data[i + 9]
            uid = data[i + 10:i + 26]
            size, cref, fo_delay = struct.unpack_from('<III', data, i + 28)
            cb_name = data[i + 41]
            eq((ver_inst >> 4, bt_win, bt_mac, cref, fo_delay), (6, 6, 6, 1, 0),
               f"{where}: FBSE of a PNG, cRef 1, embedded")
            b = i + 44 + cb_name
            b_ver_inst, b_type, b_len = struct.unpack_from('<HHI', data, b)
            eq((b_ver_inst & 0xF, b_ver_inst >> 4, b_type), (0, 0x6E0, 0xF01E), f"{where}: OfficeArtBlipPNG header")
            eq(size, 8 + b_len, f"{where}: FBSE size is the BLIP's")
            payload = data[b + 8:b + 8 + b_len]
            eq(payload[:16], uid, f"{where}: BLIP rgbUid1 = FBSE rgbUid")
            eq(uid, hashlib.md5(payload[17:]).digest(), f"{where}: the UID is the PNG's MD5")
            ok(payload[17:25] == PNG_SIGNATURE, f"{where}: the BLIP payload starts with the PNG signature")
            ok(payload[17:] == png, f"{where}: the BLIP is the picture of images/, byte for byte")
            ok(b + 8 + b_len <= end, f"{where}: the PICF's lcb covers the BLIP")
            blips.append(payload)
        i += 8 + rlen
    eq(len(blips), 1, f"{where}: one BLIP")


def check_doc(where, data, row, samples, templates):
    try:
        files = cfb_read(data)[0]
    except (CfbError, struct.error, IndexError) as e:
        ok(False, f"{where}: a readable compound file", str(e))
        return None
    w, table = files.get('WordDocument'), files.get('1Table') or files.get('0Table')
    if not ok(w is not None and table is not None, f"{where}: WordDocument and 1Table/0Table"):
        return None
    fib = word_fib(w)
    eq(struct.unpack_from('<HH', w, 0), (0xA5EC, 0x00C1), f"{where}: FIB wIdent and nFib")
    ok(fib['flags'] & 0x0200 and '1Table' in files, f"{where}: fWhichTblStm names 1Table")
    eq(fib['cb_mac'], len(w), f"{where}: cbMac is the stream length")
    eq('Macros/' in files, row['macros'] == 'yes', f"{where}: a Macros storage exactly when macros=yes")
    if 'Macros/' in files:
        ok('Macros/VBA/dir' in files and 'Macros/PROJECT' in files, f"{where}: the Macros storage is a VBA project")
    text, text_fc, char_size = word_text(where, w, table, fib)
    # Japanese text needs UTF-16; a picture character alone fits in CP1252
    wide = row['language'] == 'ja' and row['lure_in'] == 'text'
    eq(char_size, 2 if wide else 1, f"{where}: {'UTF-16LE' if wide else '8-bit CP1252'} text")
    ok(text.endswith('\r'), f"{where}: the text ends with a paragraph mark")
    png_name = f"images/{row['file'].rsplit('-', 1)[0]}.png" if row['lure_in'] == 'picture' \
        else CONTROL_PICTURE.get(row['file'])
    if png_name:
        check_word_picture(where, w, table, files.get('Data'), fib, text, text_fc, char_size, samples.get(png_name))
    else:
        eq(fib['pair'](12)[1], 0, f"{where}: no character properties (no picture)")
        ok('Data' not in files, f"{where}: no Data stream")
    return text.replace('\r', '\n')


def check_package(where, data, row, samples):
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        bad = z.testzip()
    except zipfile.BadZipFile as e:
        ok(False, f"{where}: a readable ZIP", str(e))
        return None
    eq(bad, None, f"{where}: a readable ZIP with good CRCs")
    eq(sorted({i.date_time for i in z.infolist()}), [(2026, 1, 15, 9, 0, 0)], f"{where}: fixed member dates")
    names = z.namelist()
    kind = where.rsplit('.', 1)[1]
    eq('word/vbaProject.bin' in names, kind == 'docm', f"{where}: word/vbaProject.bin exactly in a .docm")
    eq(kind == 'docm', row['macros'] == 'yes', f"{where}: .docm exactly when macros=yes")
    if 'word/vbaProject.bin' in names:
        try:
            ok('VBA/dir' in cfb_read(z.read('word/vbaProject.bin'))[0], f"{where}: vbaProject.bin holds VBA/dir")
        except (CfbError, struct.error, IndexError) as e:
            ok(False, f"{where}: vbaProject.bin is a compound file", str(e))
    document = z.read('word/document.xml').decode('utf-8')
    types = z.read('[Content_Types].xml').decode('utf-8')
    rels = z.read('word/_rels/document.xml.rels').decode('utf-8')
    everything = '\n'.join(z.read(n).decode('utf-8') for n in names if n.endswith(('.xml', '.rels')))
    hosts = set(re.findall(r'(?:https?|ftp|file)://([^/"<\s]+)', everything))
    allowed = {'schemas.openxmlformats.org', 'schemas.microsoft.com', 'purl.org', 'www.w3.org'}
    eq(sorted(h for h in hosts if h not in allowed and not h.endswith('.invalid')), [],
       f"{where}: no host outside the XML namespaces and .invalid")
    embeds = re.findall(r'<a:blip r:embed="([^"]+)"', document)
    png_name = f"images/{row['file'].rsplit('-', 1)[0]}.png" if row['lure_in'] == 'picture' \
        else CONTROL_PICTURE.get(row['file'])
    if png_name:
        if eq(len(embeds), 1, f"{where}: one picture referenced with r:embed"):
            ok('<w:drawing><wp:inline' in document and '<pic:pic' in document,
               f"{where}: the picture is a w:drawing/wp:inline/pic:pic")
            rel = re.search(rf'<Relationship Id="{embeds[0]}" Type="[^"]*/image" Target="([^"]+)"/>', rels)
            if ok(rel is not None, f"{where}: the r:embed relationship is an image"):
                target = 'word/' + rel.group(1)
                ok(target in names, f"{where}: the relationship target {target} exists")
                png = z.read(target) if target in names else b''
                ok(png[:8] == PNG_SIGNATURE, f"{where}: the target starts with the PNG signature")
                ok(png == samples.get(png_name), f"{where}: the picture is {png_name}, byte for byte")
            ok('<Default Extension="png" ContentType="image/png"/>' in types, f"{where}: PNG content type")
    else:
        eq(embeds, [], f"{where}: no picture")
    paragraphs = [''.join(re.findall(r'<w:t[^>]*>([^<]*)</w:t>', p))
                  for p in re.findall(r'<w:p>(.*?)</w:p>', document)]
    text = '\n'.join(p for p in paragraphs if p)
    for a, b in (('&amp;', '&'), ('&lt;', '<'), ('&gt;', '>'), ('&quot;', '"'), ('&#39;', "'")):
        text = text.replace(a, b)
    return text


# ---- (i) deterministic ----

if not ok(os.access(GENERATOR, os.X_OK), "gen-office is built", GENERATOR):
    mhtest.done()

with tempfile.TemporaryDirectory(prefix='mh-lures-') as tmp:
    # In the sanitizer build: fontconfig keeps (and loses) a little of its
    # configuration for the life of the process, which is not ours to fix;
    # every other leak is still reported.
    suppressions = os.path.join(tmp, 'lsan.supp')
    with open(suppressions, 'w') as f:
        f.write('leak:libfontconfig.so\n')
    env = dict(os.environ)
    lsan = f'suppressions={suppressions}:print_suppressions=0'
    env['LSAN_OPTIONS'] = ':'.join(o for o in (env.get('LSAN_OPTIONS'), lsan) if o)
    runs = []
    for n in (1, 2):
        out = os.path.join(tmp, f'run{n}')
        started = time.monotonic()
        p = subprocess.run([GENERATOR, '--lures', out], capture_output=True, timeout=120, env=env)
        seconds = time.monotonic() - started
        eq(p.returncode, 0, f"gen-office --lures run {n} exits 0")
        ok(not p.stderr, f"gen-office --lures run {n} writes nothing on stderr", p.stderr.decode('utf-8', 'replace'))
        ok(seconds < 30, f"gen-office --lures run {n} takes {seconds:.2f} s")
        runs.append(tree(out))
    fresh = runs[0]
    ok(fresh and fresh == runs[1], "two runs of gen-office --lures are byte-identical",
       ", ".join(sorted(n for n in set(fresh) | set(runs[1]) if fresh.get(n) != runs[1].get(n))))

# ---- (ii) the committed copy ----

committed = tree(SAMPLES) if os.path.isdir(SAMPLES) else {}
eq(sorted(committed), sorted(fresh), "samples-benign/lures has the files of a fresh run (else: make lure-samples)")
eq(committed.get('expected.tsv'), fresh.get('expected.tsv'), "the committed expected.tsv is the fresh one")
eq(committed.get('README.md'), fresh.get('README.md'), "the committed README.md is the fresh one")
# documents without a picture depend on no font: byte for byte
for name in sorted(n for n in fresh if re.search(r'-text\.docx?$|^control-howto\.docx$', n)):
    if name in committed:
        ok(committed[name] == fresh[name], f"committed {name} is the fresh one, byte for byte",
           "run `make lure-samples` and commit the result")
for name in sorted(n for n in fresh if n.startswith('images/')):
    if name in committed:
        eq(picture_size(committed[name]), picture_size(fresh[name]), f"committed {name} has the fresh size in pixels")

# ---- (iii) every file is what expected.tsv says ----

# the committed files are the ones other tests read; a fresh run when
# there are none yet (the failures above say so)
templates = read_templates()
samples = committed if committed.get('expected.tsv') else fresh
rows = list(csv.DictReader(io.StringIO(samples['expected.tsv'].decode('utf-8')), delimiter='\t',
                           quoting=csv.QUOTE_NONE))
eq(samples['expected.tsv'].decode('utf-8').split('\n', 1)[0].split('\t'), COLUMNS, "expected.tsv header")
documents = sorted(n for n in samples if not n.startswith('images/') and n not in ('expected.tsv', 'README.md'))
eq(sorted(r['file'] for r in rows), documents, "expected.tsv has one row per document")
eq(sorted({r['family'] for r in rows} - {'-'}), sorted(FAMILY_TEMPLATE), "every family of the brief is there")
eq(sorted({r['family'] for r in rows} - {'-'}),
   sorted({t['family'] for t in templates.values()}), "every family of src/data/lures.txt is there")

for name in sorted(n for n in samples if n.startswith('images/')):
    size = picture_size(samples[name])
    want = (720, 405) if name.endswith('-rescaled.jpg') else (800, 450)
    eq(size, want, f"{name}: {want[0]}x{want[1]}")

for row in rows:
    where = row['file']
    data = samples[where]
    control = row['template'] == '-'
    if control:
        eq((row['family'], row['language'], row['lure_in']), ('-', '-', '-'), f"{where}: a control row")
    else:
        template = templates.get(row['template'])
        if not ok(template is not None, f"{where}: template {row['template']} is in src/data/lures.txt"):
            continue
        eq(template['family'], row['family'], f"{where}: family of the template")
        eq(FAMILY_TEMPLATE[row['family']], row['template'], f"{where}: the family's chosen template")
        stem = f"{row['template']}-{row['language']}"
        eq(where, f"{stem}-{row['lure_in']}.{where.rsplit('.', 1)[1]}", f"{where}: named STEM-{row['lure_in']}")
        ok(f'images/{stem}.png' in samples and f'images/{stem}-rescaled.jpg' in samples,
           f"{where}: images/{stem}.png and -rescaled.jpg exist")
        want = ('malicious' if row['macros'] == 'yes' else 'suspicious')
        eq(row['expected_verdict'], want, f"{where}: expected verdict of a lure {'with' if want == 'malicious' else 'without'} macros")
    if where.endswith('.doc'):
        text = check_doc(where, data, row, samples, templates)
    else:
        text = check_package(where, data, row, samples)
    if text is None:
        continue
    visible = text.replace('\x01', '').strip()
    if row['lure_in'] == 'picture':
        eq(visible, '', f"{where}: no visible text beside the picture")
    elif row['lure_in'] == 'text':
        found = verbatim_phrases(text, templates[row['template']], row['language'])
        ok(len(found) >= templates[row['template']]['require'],
           f"{where}: {len(found)} of the template's {row['language']} phrases verbatim "
           f"(require {templates[row['template']]['require']})", found)
        ok(('Enable Editing' in text and 'Enable Content' in text) if row['language'] == 'en'
           else ('編集を有効にする' in text and 'コンテンツの有効化' in text),
           f"{where}: the instruction names both buttons")
        others = {name: loose_phrases(text, t) for name, t in templates.items()
                  if t['family'] != row['family']}
        eq({n: f for n, f in others.items() if len(f) >= templates[n]['require']}, {},
           f"{where}: no template of another family reaches its require")
    else:
        over = {name: loose_phrases(text, t) for name, t in templates.items()}
        eq({n: f for n, f in over.items() if len(f) >= templates[n]['require']}, {},
           f"{where}: no template reaches its require in the control's text")
        if where == 'control-howto.docx':
            eq(fold(text).count('enable editing'), 1, f"{where}: names Enable Editing once")
        ok(len(re.sub(r'\s', '', visible)) >= 40, f"{where}: at least 40 visible characters (not picture-only)")

mhtest.done()
