# layout: zip
# -- hostile: zip_slip: not a snippet but the text of zip members that try to land outside the
#    work folder. tests/test_hostile.py builds the zip: members named ../.., absolute paths,
#    ..\ Windows paths, a drive letter, a symbolic link to /tmp followed by a member inside it,
#    and every submitted file as a symbolic link to the reference's. `layout: links` is the
#    same links in a folder. Written anywhere, this text must never be found outside. --
ESCAPED = True
