# Lines that vary between runs: the undo id's timestamp.
s/\([0-9]\{6\}\)-[0-9]\{8\}T[0-9]\{6\}Z/\1-TIMESTAMP/g
s/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z/DATE/g
