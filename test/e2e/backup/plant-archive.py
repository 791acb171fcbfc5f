# Files with an xattr and an ACL, extracted by the guest's own tar (the guest has no setfattr/setfacl).
import io, sys, tarfile

with tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT) as t:
    d = tarfile.TarInfo('home/bk')
    d.type, d.mode, d.uid, d.gid, d.mtime = tarfile.DIRTYPE, 0o750, 1000, 1000, 1700000000
    t.addfile(d)
    data = b'xattr and acl\n'
    f = tarfile.TarInfo('etc/bk-meta')
    f.size, f.mode, f.uid, f.gid, f.mtime = len(data), 0o640, 0, 1000, 1700000001
    f.pax_headers = {
        'SCHILY.xattr.user.test': 'hello',
        'SCHILY.acl.access': 'user::rw-,user:1000:r--,group::r--,mask::r--,other::---',
    }
    t.addfile(f, io.BytesIO(data))
