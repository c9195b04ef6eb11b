"""Readers of the sample generators' output for the script tests,
independent of the libraries mailhunt uses: a directory as a dict, and an
MS-CFB (compound file) reader written from the specification."""
import os
import struct


def tree(root):
    """Relative path -> bytes of every file below root, in sorted order."""
    files = {}
    for d, dirs, names in os.walk(root):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(d, n)
            with open(p, 'rb') as f:
                files[os.path.relpath(p, root).replace(os.sep, '/')] = f.read()
    return files



# ---- an MS-CFB reader, independent of libgsf ----

class CfbError(Exception):
    pass


def cfb_read(data):
    """Path -> bytes of every stream ('Macros/VBA/dir'); storages end in '/'."""
    if data[:8] != bytes.fromhex('d0cf11e0a1b11ae1'):
        raise CfbError('no compound file signature')
    minor, major, bom, sector_shift, mini_shift = struct.unpack_from('<HHHHH', data, 24)
    if bom != 0xFFFE or (major, sector_shift) not in ((3, 9), (4, 12)) or mini_shift != 6:
        raise CfbError(f'bad header: version {major}, shifts {sector_shift}/{mini_shift}')
    ssz, msz = 1 << sector_shift, 1 << mini_shift
    _, nfat, dir_start, _, cutoff, minifat_start, nminifat, difat_start, ndifat = \
        struct.unpack_from('<IIIIIIIII', data, 40)
    if cutoff != 4096:
        raise CfbError('mini stream cutoff is not 4096')
    nsectors = (len(data) - ssz) // ssz
    if (len(data) - ssz) % ssz:
        raise CfbError('file size is not a whole number of sectors')
    difat = list(struct.unpack_from('<109I', data, 76))
    s, seen = difat_start, 0
    while s < 0xFFFFFFFA:
        seen += 1
        if s >= nsectors or seen > ndifat:
            raise CfbError('bad DIFAT chain')
        vals = struct.unpack_from(f'<{ssz // 4}I', data, (s + 1) * ssz)
        difat += vals[:-1]
        s = vals[-1]
    fat = []
    for sec in difat[:nfat]:
        if sec >= nsectors:
            raise CfbError('FAT sector out of the file')
        fat += struct.unpack_from(f'<{ssz // 4}I', data, (sec + 1) * ssz)

    def chain(start, table, limit):
        out, s = [], start
        while s < 0xFFFFFFFA:
            if s >= limit or len(out) > limit:
                raise CfbError(f'bad sector chain from {start}')
            out.append(s)
            s = table[s]
        return out

    def read(start):
        return b''.join(data[(s + 1) * ssz:(s + 2) * ssz] for s in chain(start, fat, nsectors))

    d = read(dir_start)
    entries = []
    for i in range(len(d) // 128):
        e = d[i * 128:(i + 1) * 128]
        name_len = struct.unpack_from('<H', e, 64)[0]
        kind, color, left, right, child = struct.unpack_from('<BBIII', e, 66)
        start, size = struct.unpack_from('<IQ', e, 116)
        if kind and (name_len < 2 or name_len > 64 or name_len % 2):
            raise CfbError(f'directory entry {i}: bad name length')
        entries.append(dict(name=e[:max(name_len - 2, 0)].decode('utf-16-le'), kind=kind,
                            left=left, right=right, child=child, start=start, size=size,
                            times=e[100:116]))
    root = entries[0]
    if root['kind'] != 5:
        raise CfbError('first directory entry is not the root')
    ministream = read(root['start']) if root['start'] < 0xFFFFFFFA else b''
    minifat = []
    if nminifat:
        mf = read(minifat_start)
        minifat = list(struct.unpack(f'<{len(mf) // 4}I', mf))

    def stream(e):
        if e['size'] < cutoff:
            sectors = chain(e['start'], minifat, len(minifat))
            out = b''.join(ministream[s * msz:(s + 1) * msz] for s in sectors)
        else:
            out = read(e['start'])
        if len(out) < e['size']:
            raise CfbError(f"stream {e['name']} is cut short")
        return out[:e['size']]

    files, visited = {}, set()

    def walk(idx, prefix):
        if idx == 0xFFFFFFFF:
            return
        if idx >= len(entries) or idx in visited:
            raise CfbError('bad directory tree')
        visited.add(idx)
        e = entries[idx]
        walk(e['left'], prefix)
        walk(e['right'], prefix)
        path = prefix + e['name']
        if e['kind'] == 2:
            files[path] = stream(e)
        elif e['kind'] == 1:
            files[path + '/'] = None
            walk(e['child'], path + '/')
        else:
            raise CfbError(f'entry {idx} of type {e["kind"]} in the tree')

    walk(root['child'], '')
    return files, entries
