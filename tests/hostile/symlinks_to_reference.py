# layout: links
# -- hostile: symlinks_to_reference: not a snippet: a submitted folder whose every file is a
#    symbolic link to the reference's own (tests/test_hostile.py makes the links) --
