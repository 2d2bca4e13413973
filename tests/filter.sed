# Lines that vary between runs: the undo id's timestamp.
s/\([0-9]\{6\}\)-[0-9]\{8\}T[0-9]\{6\}Z/\1-TIMESTAMP/g
s/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z/DATE/g
# Key material made during a test (public keys, fingerprints) is random.
s/AAAA[A-Za-z0-9+/=]\{20,\}/KEYDATA/g
s/SHA256:[A-Za-z0-9+/]\{43\}/SHA256:FINGERPRINT/g
# Secret content is shown by size and hash; generated keys differ at every run.
/^content changed (secret, not shown)/s/sha256 [0-9a-f]\{16\}/sha256 HASH/g
# A generated ECDSA or RSA private key's length varies with its numbers.
/^content changed (secret, not shown): new file -> /s/-> [0-9]* bytes/-> N bytes/
# The version: a release must not rewrite every expected output.
s/^sshfix [0-9][0-9.]*\(~[A-Za-z0-9.]*\)\{0,1\}\(: \|$\)/sshfix VERSION\2/
