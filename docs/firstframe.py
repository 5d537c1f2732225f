#!/usr/bin/env python3
# firstframe.py N MARKER CMD...: time from spawn in a pty (100x30) until MARKER appears
# in the output. Answers the terminal queries a real terminal answers (background
# colour, cursor position), so programs that ask are not left waiting.
#
# With FF_CTTY=1 the pty becomes the program's controlling terminal, as in a real
# terminal: only then does lipgloss ask for the background colour (it asks only a
# terminal it is in the foreground of). Python then forks instead of spawning, which
# adds the same few ms to every program timed.
import os, pty, sys, time, select, signal, statistics, struct, fcntl, termios, subprocess
n = int(sys.argv[1]); marker = sys.argv[2].encode(); cmd = sys.argv[3:]
times = []
queried = 0
for _ in range(n):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 30, 100, 0, 0))
    t0 = time.perf_counter()
    ctty = {'preexec_fn': lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0)} if os.environ.get('FF_CTTY') == '1' else {}
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, start_new_session=True, close_fds=True, **ctty)
    buf = b''
    asked = False
    while marker not in buf:
        r, _, _ = select.select([master], [], [], 5)
        if not r: break
        chunk = os.read(master, 65536)
        if b'\x1b]11;?' in chunk: os.write(master, b'\x1b]11;rgb:0000/0000/0000\x1b\\'); asked = True
        if b'\x1b[6n' in chunk: os.write(master, b'\x1b[1;1R')
        buf += chunk
    t1 = time.perf_counter()
    p.kill(); p.wait(); os.close(master); os.close(slave)
    if marker in buf: times.append((t1 - t0) * 1000)
    queried = queried + 1 if asked else queried
times.sort()
if not times: sys.exit('%s: marker never seen' % cmd[0])
print('%s: n=%d median %.2f ms, p10 %.2f, p90 %.2f; asked for the background %d times' % (os.path.basename(cmd[0]), len(times), statistics.median(times), times[len(times)//10], times[9*len(times)//10], queried))
