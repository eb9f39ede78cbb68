"""CPU time so far, in milliseconds, read from /proc (steadier than wall time on a shared machine).
  cpu.py pg DATADIR   a PostgreSQL cluster: the postmaster, its live backends, and the backends that
                      have exited (reaped by the postmaster, so counted in its cutime and cstime)
  cpu.py pid PID      one process, all its threads
  cpu.py run CMD...   runs CMD (output discarded) and prints the CPU time of it and its children"""
import os
import sys

TICK = os.sysconf("SC_CLK_TCK")


def stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # after the command: state ppid ... utime(12) stime(13) cutime(14) cstime(15), counted from state = 0
    return int(fields[1]), [int(x) for x in fields[11:15]]


def ms(ticks):
    return ticks * 1000 // TICK


if sys.argv[1] == "run":
    import resource
    import subprocess
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(round(1000 * (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)))
elif sys.argv[1] == "pid":
    _, (u, s, _, _) = stat(int(sys.argv[2]))
    print(ms(u + s))
else:
    with open(os.path.join(sys.argv[2], "postmaster.pid")) as f:
        postmaster = int(f.readline())
    _, (u, s, cu, cs) = stat(postmaster)
    total = u + s + cu + cs
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                ppid, (u, s, _, _) = stat(int(name))
            except (OSError, IndexError):
                continue  # gone meanwhile
            if ppid == postmaster:
                total += u + s
    print(ms(total))
