#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0-or-later
# manifest.py ROOT [SUBPATH...]
#
# Print a sorted manifest of a tree: for every entry its path, type, mode,
# owner, group, link count, size, content hash (regular files), link target
# (symlinks) and every extended attribute (security.*, system.posix_acl_*,
# trusted.*, user.*), so two manifests are equal only if the trees are equal
# in content and metadata.  sshfix's own undo store (var/lib/sshfix) is left
# out: it is the record of the change, not part of the tree being compared.
# With SUBPATHs, only those paths (relative to ROOT) are described.  One
# process for the whole tree (the tree tier takes four manifests per case);
# bytes that are not printable ASCII in a name are shown as \xNN.
import hashlib
import os
import stat
import sys

TYPES = {stat.S_IFREG: 'f', stat.S_IFDIR: 'd', stat.S_IFLNK: 'l', stat.S_IFIFO: 'p',
         stat.S_IFSOCK: 's', stat.S_IFCHR: 'c', stat.S_IFBLK: 'b'}


def shown(b):
    return ''.join(chr(c) if 0x20 < c < 0x7f and c != 0x5c else '\\x%02x' % c for c in b)


def describe(path, st):
    t = TYPES.get(stat.S_IFMT(st.st_mode), '?')
    size, nlink, digest, link = str(st.st_size), str(st.st_nlink), '-', ''
    if t == 'f':
        h = hashlib.sha256()
        with open(path, 'rb', buffering=0) as f:
            for chunk in iter(lambda: f.read(1 << 20), b''):
                h.update(chunk)
        digest = h.hexdigest()
    elif t == 'l':
        link = shown(os.readlink(path))
    elif t == 'd':
        # its size and link count follow from its entries, which are listed themselves
        size = nlink = '-'
    try:
        names = sorted(os.listxattr(path, follow_symlinks=False))
    except OSError:
        names = []
    xattrs = ' '.join('%s=0x%s' % (n, os.getxattr(path, n, follow_symlinks=False).hex()) for n in names)
    return '\t'.join([shown(path), t, '0%o' % stat.S_IMODE(st.st_mode), '%d:%d' % (st.st_uid, st.st_gid),
                      nlink, size, digest, link, xattrs])


def walk(top, dev, out):
    st = os.lstat(top)
    out.append(describe(top, st))
    if stat.S_ISDIR(st.st_mode) and st.st_dev == dev:    # as find -xdev
        for name in os.listdir(top):
            p = os.path.join(top, name)
            if p == b'./var/lib/sshfix':
                continue
            walk(p, dev, out)


def main():
    if len(sys.argv) < 2:
        sys.exit('usage: manifest.py ROOT [SUBPATH...]')
    os.chdir(sys.argv[1])
    dev = os.lstat('.').st_dev
    out = []
    for p in [os.fsencode(a) for a in sys.argv[2:]] or [b'.']:
        if not os.path.lexists(p):
            out.append('%s\tabsent' % shown(p))
            continue
        walk(p, dev, out)
    out.sort()
    sys.stdout.write(''.join(line + '\n' for line in out))


main()
