# Issue 9, item 7b: try to lower the limits of the sandbox's init (pid 1,
# same uid) so that it cannot finish the report, write a file the report
# must still return (--collect out.txt), and check that the program's own
# limits can still be set (setrlimit is prlimit64 on pid 0).
import errno
import resource

with open("out.txt", "w") as f:
    f.write("collected")
for name in ("RLIMIT_NOFILE", "RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE"):
    try:
        resource.prlimit(1, getattr(resource, name), (0, 0))
        print("%s=LOWERED" % name)
    except OSError as e:
        print("%s=%s" % (name, errno.errorcode.get(e.errno, e.errno)))
resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
print("own_nofile=%d" % resource.getrlimit(resource.RLIMIT_NOFILE)[0])
