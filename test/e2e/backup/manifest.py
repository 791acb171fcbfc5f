# One line per member of a pax archive made by the guest's own tar (--sort=name): name, type,
# mode, owner, mtime, link, every pax xattr/ACL record and the content's sha256. Two trees are
# the same when their manifests are; hard links show as LNK members naming the first path.
import hashlib, json, sys, tarfile

rows = []
with tarfile.open(sys.argv[1]) as t:
    for m in t:
        data = t.extractfile(m).read() if m.isreg() else b''
        rows.append({
            'name': m.name, 'type': m.type.decode(), 'mode': oct(m.mode), 'uid': m.uid, 'gid': m.gid,
            'mtime': m.pax_headers.get('mtime', str(m.mtime)), 'link': m.linkname, 'size': m.size,
            'meta': {k: v for k, v in sorted(m.pax_headers.items()) if k.startswith('SCHILY.')},
            'sha256': hashlib.sha256(data).hexdigest(),
        })
json.dump(rows, sys.stdout)
