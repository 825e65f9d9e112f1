# Burns CPU forever: the sandbox stops it at its CPU time limit.
while True:
    pass
