# An archive that tries to write outside the directory it is restored into.
import io, sys, tarfile

def add(t, name, kind=tarfile.REGTYPE, link='', data=b'evil\n'):
    i = tarfile.TarInfo(name)
    i.type = kind
    i.linkname = link
    i.mode = 0o644
    i.size = len(data) if kind == tarfile.REGTYPE else 0
    t.addfile(i, io.BytesIO(data) if kind == tarfile.REGTYPE else None)

with tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT) as t:
    add(t, 'ok', data=b'fine\n')
    add(t, '/tmp/guestctl-backup-abs')
    add(t, '../guestctl-backup-up')
    add(t, 'sub/../../guestctl-backup-up2')
    add(t, 'l', tarfile.SYMTYPE, '/')
    add(t, 'l/tmp/guestctl-backup-evil')
    add(t, 'h', tarfile.LNKTYPE, '/etc/shadow')
    add(t, 'h2', tarfile.LNKTYPE, '../../etc/shadow')
    add(t, 'gl/evil')
