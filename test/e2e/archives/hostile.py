# Hostile archives for test/e2e/grep-replace-archives.test.ts: every escape a tar or a zip can
# try, next to one harmless member, and small bombs (20 MiB of zeros) for a 10 MiB limit.
import io, sys, tarfile, zipfile

out = sys.argv[1]

def add(t, name, kind=tarfile.REGTYPE, data=b'pwned\n', link=''):
    i = tarfile.TarInfo(name)
    i.type = kind
    i.linkname = link
    i.mode = 0o644
    if kind == tarfile.REGTYPE:
        i.size = len(data)
        t.addfile(i, io.BytesIO(data))
    else:
        t.addfile(i)

with tarfile.open(out + '/hostile.tar', 'w', format=tarfile.GNU_FORMAT) as t:
    add(t, 'ok.txt', data=b'harmless\n')
    add(t, '/pwned-abs')
    add(t, '../pwned-up')
    add(t, 'lnk', tarfile.SYMTYPE, link='/etc')
    add(t, 'lnk/pwned-through-link')
    add(t, 'up', tarfile.SYMTYPE, link='../../..')
    add(t, 'hard', tarfile.LNKTYPE, link='../../etc/passwd')
    add(t, 'guestlink/pwned-through-guest-link')
    add(t, 'pwned-dev', tarfile.CHRTYPE)

def zadd(z, name, data=b'pwned\n', mode=0o100644):
    i = zipfile.ZipInfo(name)
    i.create_system = 3
    i.external_attr = mode << 16
    i.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(i, data)

with zipfile.ZipFile(out + '/hostile.zip', 'w') as z:
    zadd(z, 'ok.txt', b'harmless\n')
    zadd(z, '/pwned-abs')
    zadd(z, '../pwned-up')
    zadd(z, 'zl', b'/etc', 0o120777)
    zadd(z, 'zl/pwned-through-link')
    zadd(z, 'guestlink/pwned-through-guest-link')

zeros = b'\0' * (20 << 20)
with tarfile.open(out + '/bomb.tar.gz', 'w:gz') as t:
    add(t, 'pwned-zeros', data=zeros)
with zipfile.ZipFile(out + '/bomb.zip', 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    zadd(z, 'pwned-zeros', zeros)
