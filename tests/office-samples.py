"""samples-benign/office/: the committed Office samples are what
tests/gen-office writes, and every file is what expected.tsv says it is.

(i)   gen-office runs twice into temporary directories: both runs must be
      byte-identical, and so must the committed files (no zlib here: ZIP
      members are stored, so even the containers compare byte for byte).
(ii)  Every OLE2 file (the .doc, the .xls, every vbaProject.bin) is read
      by a small compound-file reader written here from MS-CFB, independent
      of libgsf; every ZIP by Python's zipfile; the encrypted one with its
      password.
(iii) Every VBA project is checked against MS-OVBA 2.3 by an independent
      decompressor and record reader: PROJECT (CMG/DPB/GC decrypt to "not
      protected"), PROJECTwm, _VBA_PROJECT, the dir records in order, module
      streams that decompress (with copy tokens) to source in the project's
      code page.  The facts of expected.tsv are checked in the files: the
      auto-exec procedure, the uncalled Sub and its base64 string, the
      remote template, the DDE field, the Word and Excel streams.
(iv)  The mails carry the documents byte for byte; the ZIP mail gives the
      password in Japanese and English.
(v)   `gen-office --verify` reads the projects back through mailhunt's own
      VBA reader and gets every module's code back (skipped while that
      reader is a placeholder that returns no modules).
"""
import base64
import csv
import email
import email.header
import email.policy
import io
import os
import re
import struct
import subprocess
import tempfile
import zipfile

import mhtest
from mhtest import eq, ok
from sampletools import CfbError, cfb_read, tree

SAMPLES = os.path.join(mhtest.srcdir(), 'samples-benign', 'office')
GENERATOR = os.path.join(os.environ.get('MH_BUILDDIR', mhtest.srcdir()), 'tests', 'gen-office')
PASSWORD = 'Mh2026test'
JAPANESE_MESSAGE = 'このマクロはメッセージを表示するだけです（mailhunt テスト用サンプル・無害）'
AUTOEXEC = ('AutoOpen', 'Document_Open', 'Workbook_Open', 'Auto_Open', 'AutoExec', 'Document_Close')


# ---- MS-OVBA 2.4.1 decompression, counting copy tokens ----

def ovba_decompress(b):
    """(bytes, number of copy tokens)."""
    if not b or b[0] != 1:
        raise ValueError('no compressed container signature')
    out, i, copies = bytearray(), 1, 0
    while i < len(b):
        hdr = struct.unpack_from('<H', b, i)[0]
        if (hdr >> 12) & 7 != 3:
            raise ValueError(f'bad chunk signature at {i}')
        size = (hdr & 0xFFF) + 3
        chunk, i = b[i + 2:i + size], i + size
        if not hdr & 0x8000:
            out += chunk
            continue
        start, j = len(out), 0
        while j < len(chunk):
            flags = chunk[j]
            j += 1
            for bit in range(8):
                if j >= len(chunk):
                    break
                if not flags & (1 << bit):
                    out.append(chunk[j])
                    j += 1
                    continue
                token = struct.unpack_from('<H', chunk, j)[0]
                j += 2
                bits = max((len(out) - start - 1).bit_length(), 4)
                length = (token & (0xFFFF >> bits)) + 3
                offset = (token >> (16 - bits)) + 1
                if offset > len(out) - start:
                    raise ValueError('copy token before the chunk start')
                for _ in range(length):
                    out.append(out[-offset])
                copies += 1
        if len(out) - start > 4096:
            raise ValueError('chunk larger than 4096 bytes')
    return bytes(out), copies


def ovba_decrypt(hexstr, project_id):
    """MS-OVBA 2.4.3.3: (version, project key ok, data)."""
    b = bytes.fromhex(hexstr)
    seed = b[0]
    version, key = b[1] ^ seed, b[2] ^ seed
    u1, e1, e2, i = key, b[2], b[1], 3
    for _ in range((seed & 6) // 2):
        t = b[i] ^ ((e2 + u1) & 0xFF)
        e2, e1, u1, i = e1, b[i], t, i + 1
    plain = []
    for be in b[i:]:
        t = be ^ ((e2 + u1) & 0xFF)
        e2, e1, u1 = e1, be, t
        plain.append(t)
    length = int.from_bytes(bytes(plain[:4]), 'little')
    data = bytes(plain[4:])
    return version, key == sum(project_id.encode()) % 256, length == len(data), data


# The records of a dir stream in the order of MS-OVBA 2.3.4.2 (ours write
# exactly these; PROJECTVERSION is parsed by hand).
INFO_IDS = [0x01, 0x02, 0x14, 0x03, 0x04, 0x05, 0x40, 0x06, 0x3D, 0x07, 0x08, 0x09, 0x0C, 0x3C]
MODULE_IDS = [0x19, 0x47, 0x1A, 0x32, 0x1C, 0x48, 0x31, 0x1E, 0x2C, None, 0x2B]


def parse_dir(d):
    """List of (id, payload) records; PROJECTVERSION's payload is its 6 bytes."""
    records, i = [], 0
    while i < len(d):
        rid, size = struct.unpack_from('<HI', d, i)
        i += 6
        if rid == 0x09:
            size = 6
        records.append((rid, d[i:i + size]))
        i += size
    return records


def check_vba_project(where, files, prefix, expected_modules, codepage):
    """MS-OVBA 2.3 checks of the project below prefix ('' or 'Macros/');
    returns module name -> decoded source."""
    charset = {1252: 'cp1252', 932: 'cp932'}[codepage]
    sources = {}
    for name in ('PROJECT', 'PROJECTwm', 'VBA/_VBA_PROJECT', 'VBA/dir'):
        if not ok(prefix + name in files, f"{where}: {prefix}{name} exists", sorted(files)):
            return sources
    project = files[prefix + 'PROJECT'].decode(charset)
    ok(project.endswith('\r\n') and '\n' not in project.replace('\r\n', ''),
       f"{where}: PROJECT lines end in CRLF")
    lines = project.split('\r\n')
    pid = re.fullmatch(r'ID="(\{[0-9A-F-]{36}\})"', lines[0])
    ok(pid is not None, f"{where}: PROJECT starts with ID=\"{{GUID}}\"", lines[0])
    declared = [re.sub(r'^(Document|Module)=', '', line).split('/')[0]
                for line in lines if line.startswith(('Document=', 'Module='))]
    eq(declared, expected_modules, f"{where}: PROJECT declares the modules")
    for line in lines:
        if line.startswith('Document='):
            ok(line.endswith('/&H00000000'), f"{where}: {line} has the document version")
    for key in ('Name', 'HelpContextID', 'VersionCompatible32', 'CMG', 'DPB', 'GC'):
        ok(any(line.startswith(key + '=') for line in lines), f"{where}: PROJECT has {key}=")
    ok('[Host Extender Info]' in lines and '[Workspace]' in lines,
       f"{where}: PROJECT has [Host Extender Info] and [Workspace]")
    if pid:
        want = {'CMG': b'\0\0\0\0', 'DPB': b'\0', 'GC': b'\xff'}
        for line in lines:
            key = line.split('=', 1)[0]
            if key in want:
                version, key_ok, len_ok, data = ovba_decrypt(line.split('"')[1], pid.group(1))
                eq((version, key_ok, len_ok, data), (2, True, True, want[key]),
                   f"{where}: {key} decrypts to 'not protected'")

    wm = files[prefix + 'PROJECTwm']
    names, i = [], 0
    while i < len(wm) and wm[i:i + 2] != b'\0\0':
        end = wm.index(b'\0', i)
        mbcs = wm[i:end].decode(charset)
        i = end + 1
        uend = i
        while wm[uend:uend + 2] != b'\0\0':
            uend += 2
        ok(wm[i:uend].decode('utf-16-le') == mbcs, f"{where}: PROJECTwm names {mbcs} twice")
        names.append(mbcs)
        i = uend + 2
    eq((names, wm[i:]), (expected_modules, b'\0\0'), f"{where}: PROJECTwm lists the modules and ends")

    eq(files[prefix + 'VBA/_VBA_PROJECT'], bytes.fromhex('cc61ffff000000'),
       f"{where}: _VBA_PROJECT is the 7-byte header with version 0xFFFF")

    try:
        d, copies = ovba_decompress(files[prefix + 'VBA/dir'])
    except ValueError as e:
        ok(False, f"{where}: dir decompresses", str(e))
        return sources
    ok(copies > 0, f"{where}: dir is compressed with copy tokens", f"{copies} copy tokens")
    records = parse_dir(d)
    ids = [r[0] for r in records]
    eq(ids[:len(INFO_IDS)], INFO_IDS, f"{where}: dir PROJECTINFORMATION records in order")
    rec = dict(records[:len(INFO_IDS)])
    eq(struct.unpack('<I', rec[0x02])[0], 0x409, f"{where}: PROJECTLCID 0x409")
    eq(struct.unpack('<H', rec[0x03])[0], codepage, f"{where}: PROJECTCODEPAGE {codepage}")
    eq(len(rec[0x09]), 6, f"{where}: PROJECTVERSION holds VersionMajor and VersionMinor")
    rest = records[len(INFO_IDS):]
    eq([r[0] for r in rest[:3]], [0x16, 0x3E, 0x0D], f"{where}: dir references stdole (REFERENCEREGISTERED)")
    if len(rest) > 2 and rest[2][0] == 0x0D:
        libid_len = struct.unpack_from('<I', rest[2][1])[0]
        libid = rest[2][1][4:4 + libid_len].decode('ascii')
        ok(libid.startswith('*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#'),
           f"{where}: the reference is OLE Automation", libid)
    rest = rest[3:]
    eq([r[0] for r in rest[:2]], [0x0F, 0x13], f"{where}: PROJECTMODULES and PROJECTCOOKIE")
    if len(rest) < 2:
        return sources
    count = struct.unpack('<H', rest[0][1])[0]
    eq(count, len(expected_modules), f"{where}: PROJECTMODULES count")
    rest = rest[2:]
    for n in range(count):
        mod, rest = rest[:len(MODULE_IDS)], rest[len(MODULE_IDS):]
        mids = [r[0] for r in mod]
        eq([m if want is not None else None for m, want in zip(mids, MODULE_IDS)], MODULE_IDS,
           f"{where}: module {n} records in order")
        if len(mod) < len(MODULE_IDS):
            return sources
        m = dict(mod)
        name = m[0x19].decode(charset)
        eq(m[0x47].decode('utf-16-le'), name, f"{where}: MODULENAMEUNICODE of {name}")
        eq(m[0x1A].decode(charset), name, f"{where}: MODULESTREAMNAME of {name}")
        eq(struct.unpack('<I', m[0x31])[0], 0, f"{where}: MODULEOFFSET of {name} is 0 (source only)")
        module_type = mids[9]
        ok(module_type in (0x21, 0x22), f"{where}: MODULETYPE of {name}", hex(module_type))
        ok((module_type == 0x22) == name.startswith('This'),
           f"{where}: {name} is a {'document' if module_type == 0x22 else 'procedural'} module")
        stream = prefix + 'VBA/' + name
        if not ok(stream in files, f"{where}: module stream {stream}"):
            continue
        try:
            raw, copies = ovba_decompress(files[stream])
        except ValueError as e:
            ok(False, f"{where}: {name} decompresses", str(e))
            continue
        ok(copies > 0, f"{where}: {name} is compressed with copy tokens")
        source = raw.decode(charset)
        ok(source.startswith(f'Attribute VB_Name = "{name}"\r\n'), f"{where}: {name} starts with its VB_Name")
        if module_type == 0x22:
            ok('Attribute VB_Base = ' in source and 'Attribute VB_PredeclaredId = True' in source,
               f"{where}: {name} has the document module attributes")
        ok('\n' not in source.replace('\r\n', ''), f"{where}: {name} uses CRLF")
        sources[name] = source.replace('\r\n', '\n')
    eq(rest, [(0x10, b'')], f"{where}: dir ends with its terminator")
    return sources


def procedures(source):
    """Sub/Function name -> body lines (comments dropped)."""
    out, current = {}, None
    for line in source.split('\n'):
        s = line.strip()
        head = re.match(r'(?:(?:Private|Public)\s+)?(?:Sub|Function)\s+(\w+)', s)
        if head:
            current = head.group(1)
            out[current] = []
        elif re.match(r'End\s+(Sub|Function)', s):
            current = None
        elif current and s and not s.startswith("'"):
            out[current].append(s)
    return out


def check_macros(where, row, sources):
    facts = dict(f.split('=', 1) for f in row['facts'].split('; ') if '=' in f)
    procs = {}
    for src in sources.values():
        procs.update(procedures(src))
    autoexec = [p for p in procs if p in AUTOEXEC]
    eq(autoexec, [facts['autoexec']] if 'autoexec' in facts else [], f"{where}: auto-exec procedures")
    for p in autoexec:
        body = procs[p]
        ok(len(body) == 1 and body[0].startswith('MsgBox "'), f"{where}: {p} only shows a message box", body)
        called = [q for q in procs if q != p and any(re.search(rf'\b{q}\b', line) for line in body)]
        eq(called, [], f"{where}: {p} calls no other procedure")
    everything = '\n'.join(sources.values())
    if 'uncalled' in facts:
        name = facts['uncalled']
        body = procs.get(name, [])
        ok(body, f"{where}: {name} exists")
        calls = [line for q, lines in procs.items() if q != name for line in lines if name in line]
        eq(calls, [], f"{where}: nothing calls {name}")
        ok('Shell "cmd /c echo test"' in body, f"{where}: {name} holds Shell \"cmd /c echo test\"")
        ok(any('CreateObject("WScript.Shell")' in line for line in body), f"{where}: {name} creates WScript.Shell")
        m = re.search(r'"powershell -NoProfile -EncodedCommand " & "([A-Za-z0-9+/=]+)"', everything)
        if ok(m is not None, f"{where}: {name} holds a PowerShell -EncodedCommand string"):
            eq(base64.b64decode(m.group(1)).decode('utf-16-le'), facts['base64'],
               f"{where}: the base64 decodes (UTF-16LE) to {facts['base64']}")
    else:
        for word in ('Shell', 'CreateObject', 'powershell', 'URLDownloadToFile', 'Open '):
            ok(word not in everything, f"{where}: no {word.strip()} in the macros")
    if facts.get('codepage') == '932':
        ok(JAPANESE_MESSAGE in everything, f"{where}: the Japanese message reads back from Shift_JIS")


def check_doc(where, files, facts):
    w, table = files.get('WordDocument'), files.get('1Table')
    if not ok(w is not None and table is not None, f"{where}: WordDocument and 1Table streams"):
        return
    ident, nfib, _, lid, _, flags = struct.unpack_from('<HHHHHH', w, 0)
    eq((ident, nfib), (0xA5EC, 0x00C1), f"{where}: FIB wIdent and nFib")
    ok(flags & 0x0200 and not flags & 0x0100, f"{where}: fWhichTblStm=1, not encrypted")
    csw = struct.unpack_from('<H', w, 32)[0]
    cslw = struct.unpack_from('<H', w, 34 + csw * 2)[0]
    lw_at = 36 + csw * 2
    cb_mac, ccp_text = struct.unpack_from('<I', w, lw_at)[0], struct.unpack_from('<I', w, lw_at + 12)[0]
    fclcb_at = lw_at + cslw * 4
    cb_rg = struct.unpack_from('<H', w, fclcb_at)[0]
    eq((csw, cslw, cb_rg), (14, 22, 93), f"{where}: FIB csw, cslw, cbRgFcLcb")
    eq(cb_mac, len(w), f"{where}: cbMac is the stream length")
    fc_clx, lcb_clx = struct.unpack_from('<II', w, fclcb_at + 2 + 33 * 8)
    clx = table[fc_clx:fc_clx + lcb_clx]
    ok(len(clx) == lcb_clx and clx[:1] == b'\x02', f"{where}: the CLX is a Pcdt in 1Table")
    lcb = struct.unpack_from('<I', clx, 1)[0]
    eq(lcb, 16, f"{where}: one piece")
    cp0, cp1, _, fc, _ = struct.unpack_from('<IIHIH', clx, 5)
    eq((cp0, cp1), (0, ccp_text), f"{where}: the piece covers CPs 0..ccpText")
    ok(fc & 0x40000000, f"{where}: the piece is 8-bit (compressed) text")
    start = (fc & 0x3FFFFFFF) // 2
    text = w[start:start + ccp_text].decode('cp1252')
    ok(text.endswith('\r') and 'mailhunt' in text and 'harmless' in text, f"{where}: the text reads back", text)
    fields = re.findall('\x13([^\x13\x14\x15]*)\x14[^\x13\x14\x15]*\x15', text)
    eq([f.strip() for f in fields], [facts['dde']] if 'dde' in facts else [], f"{where}: fields in the text")


def check_xls(where, files, with_code_name):
    wb = files.get('Workbook')
    if not ok(wb is not None, f"{where}: Workbook stream"):
        return
    records, i = [], 0
    while i + 4 <= len(wb):
        rtype, size = struct.unpack_from('<HH', wb, i)
        records.append((i, rtype, wb[i + 4:i + 4 + size]))
        i += 4 + size
    eq(i, len(wb), f"{where}: BIFF records fill the stream exactly")
    types = [r[1] for r in records]
    ok(types[0] == 0x0809 and struct.unpack_from('<HH', records[0][2])[0:2] == (0x0600, 0x0005),
       f"{where}: starts with a BIFF8 workbook-globals BOF")
    eq(types.count(0x0809), 2, f"{where}: two substreams (globals and one sheet)")
    eq(types.count(0x000A), 2, f"{where}: each ends with EOF")
    eq(types[-1], 0x000A, f"{where}: the stream ends with EOF")
    for t, what in ((0x0042, 'CODEPAGE'), (0x003D, 'WINDOW1'), (0x0031, 'FONT'), (0x00E0, 'XF'),
                    (0x0085, 'BOUNDSHEET'), (0x00FC, 'SST')):
        ok(t in types, f"{where}: has {what}")
    bs = next(r for r in records if r[1] == 0x0085)[2]
    pos = struct.unpack_from('<I', bs)[0]
    sheet_bof = [r for r in records if r[0] == pos]
    ok(sheet_bof and sheet_bof[0][1] == 0x0809 and struct.unpack_from('<H', sheet_bof[0][2], 2)[0] == 0x0010,
       f"{where}: BOUNDSHEET points at the worksheet BOF")
    code_names = [r[2][3:].decode('latin-1') for r in records if r[1] == 0x01BA]
    eq(code_names, ['ThisWorkbook'] if with_code_name else [], f"{where}: CODENAME of the workbook")


def check_zip_dates(where, z):
    eq(sorted({i.date_time for i in z.infolist()}), [(2026, 1, 15, 9, 0, 0)],
       f"{where}: every member has the fixed date")


def read_tsv():
    with open(os.path.join(SAMPLES, 'expected.tsv'), newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE))


# ---- (i) deterministic, committed = generated ----

if not ok(os.access(GENERATOR, os.X_OK), "gen-office is built", GENERATOR):
    mhtest.done()

with tempfile.TemporaryDirectory(prefix='mh-office-') as tmp:
    runs = []
    for n in (1, 2):
        out = os.path.join(tmp, f'run{n}')
        p = subprocess.run([GENERATOR, out], capture_output=True, timeout=120)
        eq(p.returncode, 0, f"gen-office run {n} exits 0")
        ok(not p.stderr, f"gen-office run {n} writes nothing on stderr", p.stderr.decode('utf-8', 'replace'))
        runs.append(tree(out))
    fresh = runs[0]
    ok(fresh == runs[1], "two runs of gen-office are byte-identical",
       ", ".join(sorted(n for n in set(fresh) | set(runs[1]) if fresh.get(n) != runs[1].get(n))))
    committed = tree(SAMPLES) if os.path.isdir(SAMPLES) else {}
    for name in sorted(fresh):
        if name not in committed:
            ok(False, f"committed samples-benign/office/{name} matches the generator",
               "missing: run `make office-samples`")
        else:
            ok(committed[name] == fresh[name], f"committed samples-benign/office/{name} matches the generator",
               f"{len(committed[name])} bytes committed, {len(fresh[name])} generated: "
               "run `make office-samples` and commit the result")
    stale = sorted(set(committed) - set(fresh))
    ok(not stale, "no committed office sample that the generator no longer writes", "\n".join(stale))

# ---- (ii)-(iv) every file is what expected.tsv says ----

rows = read_tsv()
files_on_disk = set(committed) - {'expected.tsv', 'README.md'}
eq(sorted(r['file'] for r in rows), sorted(files_on_disk), "expected.tsv has one row per sample file")

for row in rows:
    where, kind = row['file'], row['kind']
    data = committed.get(where)
    if data is None:
        continue
    modules = row['modules'].split(',') if row['modules'] else []
    facts = dict(f.split('=', 1) for f in row['facts'].split('; ') if '=' in f)
    codepage = int(facts.get('codepage', '1252'))
    findings = row['findings'].split(',') if row['findings'] else []
    eq(findings, sorted(findings), f"{where}: findings are sorted")
    ok(row['verdict'] in ('clean', 'macros', 'suspicious', 'malicious'), f"{where}: verdict is a verdict")
    ok(row['verdict'] != 'malicious', f"{where}: nothing generated is malicious")
    ok(('vba.macros' in findings) == bool(modules), f"{where}: vba.macros exactly when there are modules")
    if kind in ('doc', 'xls'):
        try:
            files, entries = cfb_read(data)
        except (CfbError, struct.error) as e:
            ok(False, f"{where}: a readable compound file", str(e))
            continue
        ok(True, f"{where}: a readable compound file")
        eq({e['times'] for e in entries if e['kind']}, {bytes(16)}, f"{where}: no timestamps in the directory")
        storage = 'Macros' if kind == 'doc' else '_VBA_PROJECT_CUR'
        if kind == 'doc':
            check_doc(where, files, facts)
        else:
            check_xls(where, files, bool(modules))
        eq(storage + '/' in files, bool(modules), f"{where}: a {storage} storage exactly when there are macros")
        if modules:
            sources = check_vba_project(where, files, storage + '/', modules, codepage)
            eq(sorted(sources), sorted(modules), f"{where}: every module's source read back")
            check_macros(where, row, sources)
    elif kind in ('docx', 'docm', 'xlsx', 'xlsm'):
        try:
            z = zipfile.ZipFile(io.BytesIO(data))
            bad = z.testzip()
        except zipfile.BadZipFile as e:
            ok(False, f"{where}: a readable ZIP", str(e))
            continue
        eq(bad, None, f"{where}: a readable ZIP with good CRCs")
        check_zip_dates(where, z)
        names = z.namelist()
        eq(names[0], '[Content_Types].xml', f"{where}: [Content_Types].xml comes first")
        part = 'word' if kind.startswith('doc') else 'xl'
        types = z.read('[Content_Types].xml').decode()
        main_type = {'docx': 'wordprocessingml.document.main+xml', 'docm': 'ms-word.document.macroEnabled.main+xml',
                     'xlsm': 'ms-excel.sheet.macroEnabled.main+xml'}[kind]
        ok(main_type in types, f"{where}: the main part has the {kind} content type")
        core = z.read('docProps/core.xml').decode()
        ok('<dc:creator>Taro Yamada (fictitious)</dc:creator>' in core, f"{where}: a fictitious author")
        all_xml = '\n'.join(z.read(n).decode('utf-8') for n in names if not n.endswith('.bin'))
        hosts = set(re.findall(r'(?:https?|ftp|file)://([^/"<\s]+)', all_xml))
        allowed = {'schemas.openxmlformats.org', 'schemas.microsoft.com', 'purl.org', 'www.w3.org'}
        eq(sorted(h for h in hosts if h not in allowed and not h.endswith('.invalid')), [],
           f"{where}: no host outside the XML namespaces and .invalid")
        bin_name = f'{part}/vbaProject.bin'
        eq(bin_name in names, bool(modules), f"{where}: {bin_name} exactly when there are macros")
        external = re.findall(r'<Relationship [^>]*TargetMode="External"[^>]*/>', all_xml)
        if 'template' in facts:
            ok(len(external) == 1 and 'attachedTemplate' in external[0] and
               f'Target="{facts["template"]}"' in external[0],
               f"{where}: settings.xml.rels attaches the remote template", external)
            ok('<w:attachedTemplate r:id="rId1"/>' in z.read('word/settings.xml').decode(),
               f"{where}: settings.xml refers to it")
        else:
            eq(external, [], f"{where}: no external relationship")
        instr = re.findall(r'<w:instrText[^>]*>([^<]*)</w:instrText>', all_xml)
        eq([i.strip().replace('&quot;', '"') for i in instr], [facts['dde']] if 'dde' in facts else [],
           f"{where}: DDE field instruction")
        if modules:
            try:
                files, _ = cfb_read(z.read(bin_name))
            except (CfbError, struct.error) as e:
                ok(False, f"{where}: {bin_name} is a readable compound file", str(e))
                continue
            ok(True, f"{where}: {bin_name} is a readable compound file")
            rels = z.read(f'{part}/_rels/{"document" if part == "word" else "workbook"}.xml.rels').decode()
            ok('relationships/vbaProject" Target="vbaProject.bin"' in rels, f"{where}: the vbaProject relationship")
            sources = check_vba_project(where, files, '', modules, codepage)
            eq(sorted(sources), sorted(modules), f"{where}: every module's source read back")
            check_macros(where, row, sources)
    elif kind == 'eml':
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        subject = str(email.header.make_header(email.header.decode_header(msg['Subject'])))
        eq(subject, facts.get('subject'), f"{where}: decoded subject")
        ok(msg['From'].endswith('@example.invalid>') and msg['To'].endswith('@example.invalid>'),
           f"{where}: fictitious sender and recipient at example.invalid")
        ok(b'\r\n' in data and b'\n' not in data.replace(b'\r\n', b''), f"{where}: CRLF line ends")
        parts = [p for p in msg.walk() if not p.is_multipart()]
        eq([p.get_content_type() for p in parts][:1], ['text/plain'], f"{where}: text body first")
        attachments = [p for p in parts if p.get_filename()]
        attachment = row['attachment'].split('; ')[0]
        eq([p.get_filename() for p in attachments], [attachment], f"{where}: the attachment")
        if not attachments:
            continue
        payload = attachments[0].get_payload(decode=True)
        body = parts[0].get_payload(decode=True).decode(parts[0].get_content_charset())
        if attachment.endswith('.zip'):
            member = row['attachment'].split('zip-member=')[1]
            z = zipfile.ZipFile(io.BytesIO(payload))
            infos = z.infolist()
            eq([(i.filename, i.flag_bits & 1, i.compress_type) for i in infos], [(member, 1, 0)],
               f"{where}: one stored member, encrypted")
            check_zip_dates(where, z)
            try:
                z.read(member)
                ok(False, f"{where}: the member cannot be read without the password")
            except RuntimeError:
                ok(True, f"{where}: the member cannot be read without the password")
            try:
                z.read(member, pwd=b'wrong-password')
                ok(False, f"{where}: a wrong password is refused")
            except (RuntimeError, zipfile.BadZipFile):
                ok(True, f"{where}: a wrong password is refused")
            inner = z.read(member, pwd=row['password'].encode())
            eq(inner, committed.get(member), f"{where}: decrypted with {row['password']}, the member is {member}")
            ok(f"パスワード：{row['password']}" in body and f"Password: {row['password']}" in body,
               f"{where}: the body gives the password in Japanese and English")
            eq(attachments[0].get_content_type(), 'application/zip', f"{where}: application/zip")
        else:
            eq(payload, committed.get(attachment), f"{where}: the attachment is {attachment}, byte for byte")
            ok(PASSWORD not in body, f"{where}: no password in the body")
        ok('harmless' in body, f"{where}: the body says the sample is harmless")
    else:
        ok(False, f"{where}: known kind", kind)

ok(any('=?ISO-2022-JP?B?' in committed[r['file']].decode('ascii', 'replace') for r in rows if r['kind'] == 'eml'),
   "at least one subject is RFC 2047 ISO-2022-JP")

# ---- (v) mailhunt's VBA reader gives the code back ----

p = subprocess.run([GENERATOR, '--verify', SAMPLES], capture_output=True, timeout=120)
eq(p.returncode, 0, "gen-office --verify exits 0")
ok(not p.stderr, "gen-office --verify writes nothing on stderr", p.stderr.decode('utf-8', 'replace')[-3000:])
lines = [line.split('\t') for line in p.stdout.decode('utf-8', 'replace').splitlines()]
unread = [line for line in lines if line[2] == 'unread']
if lines and len(unread) == len(lines):
    mhtest.skip("mailhunt's VBA reader returns every module's code", f"reader returns no modules: {unread[0][3]}")
else:
    for r in rows:
        if r['kind'] == 'eml' or not r['modules']:
            continue
        for module in r['modules'].split(','):
            got = [line for line in lines if line[0] == r['file'] and line[1] in (module, '-')]
            ok(got and all(line[2] == 'ok' for line in got),
               f"{r['file']}: mailhunt's VBA reader gives back {module}",
               "\n".join("\t".join(line) for line in got) or "no line")
    bad = [line for line in lines if line[2] != 'ok']
    ok(not bad, "gen-office --verify reports nothing wrong", "\n".join("\t".join(line) for line in bad))

mhtest.done()
