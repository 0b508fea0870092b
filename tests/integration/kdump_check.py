#!/usr/bin/env python3
"""kdump_check.py MODE ARGS — the checks of kdump_backtraces.sh, each
printing what it compared as TAP diagnostics and exiting 1 when wrong.

  oops CONSOLE BT_TEXT LINE   bt -l of the oopsing task against the kernel's
                              oops report on CONSOLE; LINE is addr2line's
                              file:line of the faulting instruction
  sysrq CONSOLE BT_A_TEXT     bt -a against the sysrq panic's report
  json BT_A_JSON              bt -a --json: the NMI stack named, the starts
  crash CRASH_TEXT LKDB_TEXT  bt -a of both on the same dump
  eframes CONSOLE BT_E_TEXT   bt -e of the oopsing task: the fault's frame
                              with the console's RIP and registers, and the
                              system call's user-mode frame
  fwords BT_F_TEXT            bt -F: the word each frame's return address
                              was read from is named as that frame's
                              function, and some words name slab caches
  words CRASH_TEXT LKDB_TEXT  bt -F or -FF of both: every stack word
                              both print is printed the same
  eframe_words CRASH LKDB     bt -f of both: the words after the first
                              kernel exception frame's registers
  irq CONSOLE BT_A BT_A_JSON [live]  bt -a of a panic in the keyboard
                              interrupt: the IRQ stack's frames, the marker,
                              the interrupted code, as the console's report
                              (live: stopped in panic, no kexec frames)
  crash_irq CRASH LKDB        bt of both on that dump, through the marker
"""
import json
import re
import sys

FRAME = re.compile(r'(?m)^ ?#\d+ \[([0-9a-f]+)\] (\S+) at')


def call_trace(report):
    """The frames of a console report's Call Trace, "?" guesses left out."""
    trace = []
    for line in report[report.index('Call Trace:'):].split('\n')[1:]:
        if 'RIP: 0033' in line or '</TASK>' in line:
            break
        m = re.match(r'\[\s*[\d.]+\]\s+(\?\s+)?([\w.]+)\+0x', line)
        if m and not m.group(1):
            trace.append(m.group(2))
    return trace


def console(path, title):
    text = open(path, errors='replace').read().replace('\r', '')
    report = text[text.index(title):]
    cpu_pid = re.search(r'CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (\S+)', report)
    return report, cpu_pid


def by_cpu(text):
    """{cpu: (pid, the task's part of bt -a)}."""
    out = {}
    for part in re.split(r'\n(?=PID: )', text.strip()):
        head = re.match(r'PID: +(\d+) +TASK: \S+ +CPU: (\d+)', part)
        if head:
            out[head.group(2)] = (head.group(1), part)
    return out


class Checks:
    def __init__(self):
        self.ok = True

    def want(self, cond, what):
        print('# %s: %s' % ('ok' if cond else 'WRONG', what))
        self.ok = self.ok and bool(cond)

    def done(self):
        sys.exit(0 if self.ok else 1)


def oops(console_path, bt_path, want_line):
    report, cpu_pid = console(console_path, 'BUG: kernel NULL pointer')
    text = open(bt_path).read()
    rip = re.search(r'RIP: 0010:(\S+ \[crashme\])', report).group(1)
    regs = {}
    for name, value in re.findall(r'\b(R[A-Z0-9]+|EFLAGS): (?:0018:)?([0-9a-f]{8,16})\b',
                                  report[:report.index('Call Trace:')]):
        regs.setdefault({'R08': 'R8', 'R09': 'R9', 'EFLAGS': 'RFLAGS'}.get(name, name), value)
    trace = call_trace(report)
    head = re.search(r'PID: (\d+)\s+TASK: \S+\s+CPU: (\d+)\s+COMMAND: "(\S+)"', text)
    frames = [f for _, f in FRAME.findall(text)]
    lk_rip = re.search(r'\[exception RIP: (.*)\]\n    (.*)\n', text)
    block = text[text.index('[exception RIP'):].split('#', 1)[0] if lk_rip else ''
    lk_regs = dict(re.findall(r'\b([A-Z0-9]+): ([0-9a-f]{8,16})\b', block))
    c = Checks()
    c.want(head and head.groups() == (cpu_pid.group(2), cpu_pid.group(1), cpu_pid.group(3)),
           'header PID %s CPU %s %s' % (cpu_pid.group(2), cpu_pid.group(1), cpu_pid.group(3)))
    path = ['machine_kexec', '__crash_kexec', 'crash_kexec', 'oops_end', 'page_fault_oops',
            'exc_page_fault', 'asm_exc_page_fault']
    c.want(frames[:7] == path, 'first frames %s' % frames[:7])
    c.want(lk_rip and lk_rip.group(1).split('/')[0] == rip.split('/')[0] and
           lk_rip.group(1).endswith('[crashme]'),
           'exception RIP %s (console %s)' % (lk_rip.group(1) if lk_rip else None, rip))
    c.want(lk_rip and lk_rip.group(2).strip().replace(': ', ':') == want_line,
           'faulting line %s (addr2line %s)' % (lk_rip.group(2).strip() if lk_rip else None, want_line))
    diff = {k: (v, lk_regs.get(k)) for k, v in regs.items() if lk_regs.get(k) != v}
    c.want(len(regs) >= 17 and not diff,
           "%d registers as the console's%s" % (len(regs), ', differ: %s' % diff if diff else ''))
    c.want(frames[7:] == trace, 'below: %s (console %s)' % (frames[7:], trace))
    c.done()


def sysrq(console_path, bt_path):
    report, cpu_pid = console(console_path, 'Kernel panic - not syncing: sysrq')
    trace = call_trace(report)
    trace = trace[min(i for i, f in enumerate(trace) if f in ('panic', 'vpanic')):]
    tasks = by_cpu(open(bt_path).read())
    c = Checks()
    pid, panicking = tasks.get(cpu_pid.group(1), (None, ''))
    frames = [f for _, f in FRAME.findall(panicking)]
    c.want(pid == cpu_pid.group(2), 'CPU %s runs PID %s' % (cpu_pid.group(1), pid))
    c.want(frames[:2] == ['machine_kexec', '__crash_kexec'] and frames[2:] == trace,
           'frames %s (console %s)' % (frames, trace))
    others = [p for cpu, (_, p) in tasks.items() if cpu != cpu_pid.group(1)]
    c.want(len(others) == 1, 'one other CPU')
    for part in others:
        nmi = FRAME.findall(part)
        marker = part.find('--- <NMI exception stack> ---')
        rip = re.search(r'\[exception RIP: ([\w.]+)\+', part)
        after = [f for _, f in FRAME.findall(part[marker:])] if marker >= 0 else []
        c.want(nmi and nmi[0][1] == 'crash_nmi_callback' and nmi[0][0].startswith('fffffe'),
               'first frame %s on the NMI stack (cpu_entry_area)' % (nmi[:1],))
        c.want(marker > part.find('[exception RIP') > 0 and rip and after[:1] == [rip.group(1)],
               "marker after the NMI entry's registers, then %s (interrupted: %s)"
               % (after[:2], rip.group(1) if rip else None))
    c.done()


def irq(console_path, bt_path, json_path, live=''):
    """bt of a panic in the keyboard interrupt: machine_kexec, __crash_kexec,
    then the console's <IRQ> frames from panic on, the marker right after
    the last of them, then the interrupt entry with the console's RIP and
    registers and the console's frames below it; --json marks that last
    IRQ frame (leaves_irq_stack) and no other."""
    report, cpu_pid = console(console_path, 'Kernel panic - not syncing: sysrq')
    trace = report[:report.index('</TASK>')] if '</TASK>' in report else report
    irq_part, task_part = trace.split('</IRQ>', 1)
    in_irq = call_trace(irq_part + '\n')
    starts = [i for i, f in enumerate(in_irq) if f in ('panic', 'vpanic')]
    in_irq = in_irq[min(starts):] if starts else in_irq
    below = [m.group(2) for m in (re.match(r'\[\s*[\d.]+\]\s+(\?\s+)?([\w.]+)\+0x', l)
                                  for l in task_part.split('\n')) if m and not m.group(1)]
    rip = re.search(r'RIP: 0010:([\w.]+\+0x[0-9a-f]+)/', task_part)
    regs = {}
    for name, value in re.findall(r'\b(R[A-Z0-9]+|EFLAGS): (?:0018:)?([0-9a-f]{8,16})\b', task_part):
        regs.setdefault({'R08': 'R8', 'R09': 'R9', 'EFLAGS': 'RFLAGS'}.get(name, name), value)
    pid, part = by_cpu(open(bt_path).read()).get(cpu_pid.group(1), (None, ''))
    marker = part.find('--- <IRQ stack> ---')
    before = [f for _, f in FRAME.findall(part[:marker])] if marker >= 0 else []
    after = [f for _, f in FRAME.findall(part[marker:])] if marker >= 0 else []
    lk_rip = re.search(r'\[exception RIP: ([\w.]+\+0x[0-9a-f]+)/', part[marker:]) if marker >= 0 else None
    block = part[marker:].split('[exception RIP', 1)[-1].split('#', 1)[0] if lk_rip else ''
    lk_regs = dict(re.findall(r'\b([A-Z0-9]+): ([0-9a-f]{8,16})\b', block))
    c = Checks()
    c.want(pid == cpu_pid.group(2), 'CPU %s runs PID %s (console: %s)' % (cpu_pid.group(1), pid, cpu_pid.group(2)))
    if live:
        # Stopped where lkdb's panic stop is (__crash_kexec, called by
        # panic before the kernel prints its trace): the console's frames
        # from panic on follow at most two frames of the stop.
        at = before.index(in_irq[0]) if in_irq and in_irq[0] in before else -1
        ok = 0 <= at <= 2 and before[at:] == in_irq
    else:
        ok = before[:2] == ['machine_kexec', '__crash_kexec'] and before[2:] == in_irq
    c.want(ok, 'on the IRQ stack: %s (console <IRQ>: %s)' % (before, in_irq))
    c.want(after == below and rip and lk_rip and lk_rip.group(1) == rip.group(1),
           'after the marker: %s at %s (console: %s at %s)' % (
               after, lk_rip.group(1) if lk_rip else None, below, rip.group(1) if rip else None))
    diff = {k: (v, lk_regs.get(k)) for k, v in regs.items() if lk_regs.get(k) != v}
    c.want(len(regs) >= 16 and not diff,
           "%d interrupted registers as the console's%s" % (len(regs), ', differ: %s' % diff if diff else ''))
    j = [t for t in json.load(open(json_path)) if str(t['cpu']) == cpu_pid.group(1)]
    left = [f['function'] for t in j for f in t['frames'] if f['leaves_irq_stack']]
    c.want(left == before[-1:], '--json: leaves_irq_stack on %s' % left)
    c.done()


def json_check(path):
    tasks = json.load(open(path))
    left = [f['exception']['exception_stack'] for t in tasks for f in t['frames'] if f['exception']]
    starts = sorted(t['frames'][0]['function'] for t in tasks)
    c = Checks()
    c.want('NMI' in left and starts == ['crash_nmi_callback', 'machine_kexec'],
           'exception stacks %s, first frames %s' % (left, starts))
    c.done()


def frame_lines(part):
    keep = []
    for line in part.split('\n'):
        m = re.match(r' ?#\d+ (\[.*)', line)
        if m:
            # crash names foo.part.0 foo; the kernel's traces and lkdb do not.
            keep.append(re.sub(r'\.part\.\d+ at ', ' at ', m.group(1)))
        elif re.match(r'    (R[A-Z0-9 ]+:|ORIG_RAX)|--- <', line):
            keep.append(line)
    return keep


def crash(crash_path, lkdb_path):
    crash_tasks = {cpu: p for cpu, (_, p) in by_cpu(open(crash_path).read()).items()}
    lkdb_tasks = {cpu: p for cpu, (_, p) in by_cpu(open(lkdb_path).read()).items()}
    c = Checks()
    c.want(sorted(crash_tasks) == sorted(lkdb_tasks) and len(lkdb_tasks) == 2,
           'CPUs %s and %s' % (sorted(crash_tasks), sorted(lkdb_tasks)))
    for cpu in sorted(lkdb_tasks):
        cr, lk = frame_lines(crash_tasks.get(cpu, '')), frame_lines(lkdb_tasks[cpu])
        if 'crash_nmi_callback' in lkdb_tasks[cpu]:
            same = cr == lk
            c.want(same, 'CPU %s (NMI): %d lines, %s' % (cpu, len(lk), 'equal' if same else 'differ'))
        else:
            upto = next((i for i, l in enumerate(lk) if l.startswith('    ORIG_RAX')), len(lk)) + 1
            run = lk[:upto]
            same = any(cr[i:i + len(run)] == run for i in range(len(cr)))
            c.want(same, "CPU %s (oops): %d lines through the exception block %s in crash's"
                   % (cpu, len(run), 'found' if same else 'NOT found'))
        if not same:
            print('# crash:\n# ' + '\n# '.join(cr) + '\n# lkdb:\n# ' + '\n# '.join(lk))
    c.done()


def console_regs(report):
    regs = {}
    for name, value in re.findall(r'\b(R[A-Z0-9]+|EFLAGS): (?:0018:)?([0-9a-f]{8,16})\b',
                                  report[:report.index('Call Trace:')]):
        regs.setdefault({'R08': 'R8', 'R09': 'R9', 'EFLAGS': 'RFLAGS'}.get(name, name), value)
    return regs


def eframes(console_path, text_path):
    report, _ = console(console_path, 'BUG: kernel NULL pointer')
    m = re.search(r'RIP: 0010:(\w+)\+0x([0-9a-f]+)/', report)
    rip = '%s+%d' % (m.group(1), int(m.group(2), 16))
    user_rip = re.search(r'RIP: 0033:0x([0-9a-f]+)', report).group(1)
    regs = console_regs(report)
    text = open(text_path).read()
    frames = re.split(r'\n(?=  (?:KERNEL|USER)-MODE EXCEPTION FRAME AT: )', text)
    c = Checks()
    kernel = [f for f in frames if f.startswith('  KERNEL') and '[exception RIP: %s]' % rip in f]
    same = [f for f in kernel
            if all(re.search(r'\b%s: %s\b' % (k, v), f) for k, v in regs.items())]
    c.want(same, '%d kernel-mode frames at %s, %d with the console\'s %d registers'
           % (len(kernel), rip, len(same), len(regs)))
    user = [f for f in frames if f.startswith('  USER') and re.search(r'RIP: 0*%s ' % user_rip, f)]
    c.want(user, 'a user-mode frame with RIP %s' % user_rip)
    c.done()


def fwords(text_path):
    text = open(text_path).read()
    c = Checks()
    last = None
    named = checked = 0
    for line in text.split('\n'):
        f = re.match(r' ?#\d+ \[([0-9a-f]+)\] (\S+) at', line)
        if f and last and last[0] == f.group(1):
            checked += 1
            named += last[1].split('+')[0] == f.group(2)
        w = re.match(r'    ([0-9a-f]{16}): (.*)', line)
        if w:
            words = w.group(2).split()
            last = ('%016x' % (int(w.group(1), 16) + 8 * (len(words) - 1)), words[-1])
    slabs = sorted(set(re.findall(r'\[([a-z][\w-]*)\]', text)))
    c.want(checked >= 3 and named == checked,
           '%d of %d return-address words named as their frame\'s function' % (named, checked))
    c.want(slabs, 'slab caches named: %s' % slabs)
    c.done()


def words(crash_path, lkdb_path):
    def stack(path):
        """{address: word as printed}; lines break where frames do."""
        out = {}
        for line in open(path).read().split('\n'):
            w = re.match(r'    ([0-9a-f]{16}): (.*\S)', line)
            if w:
                for i, word in enumerate(w.group(2).split()):
                    out[int(w.group(1), 16) + 8 * i] = re.sub(r'\.part\.\d+', '', word)
        return out
    cr, lk = stack(crash_path), stack(lkdb_path)
    both = sorted(set(cr) & set(lk))
    differ = [('%x' % a, cr[a], lk[a]) for a in both if cr[a] != lk[a]]
    c = Checks()
    c.want(len(both) >= 100 and not differ,
           '%d stack words in both, %d differ %s' % (len(both), len(differ), differ[:3]))
    c.done()



def eframe_words(crash_path, lkdb_path):
    """bt -f: the words lkdb prints after the first kernel exception frame's
    registers (its pt_regs and the interrupted function's stack, up to the
    next frame's return address) are all in crash's bt -f, the same."""
    def section(path):
        out, inside = {}, False
        for line in open(path).read().split('\n'):
            if '[exception RIP:' in line and not out:
                inside = True
                continue
            if inside and re.match(r' ?#\d+ ', line):
                break
            w = re.match(r'    ([0-9a-f]{16}): (.*\S)', line) if inside else None
            if w:
                for i, word in enumerate(w.group(2).split()):
                    out[int(w.group(1), 16) + 8 * i] = word
        return out
    def every_word(path):
        out = {}
        for line in open(path).read().split('\n'):
            w = re.match(r'    ([0-9a-f]{16}): (.*\S)', line)
            if w:
                for i, word in enumerate(w.group(2).split()):
                    out[int(w.group(1), 16) + 8 * i] = word
        return out
    # crash may cut the run with a frame of its own (the interrupted
    # function, found by its address on the stack): its words go on after.
    cr, lk = every_word(crash_path), section(lkdb_path)
    differ = sorted((a, w, cr.get(a)) for a, w in lk.items() if cr.get(a) != w)
    c = Checks()
    c.want(lk and not differ, "%d words in lkdb's section, %d not as crash prints them: %s" % (
        len(lk), len(differ), differ[:3]))
    c.done()

def crash_irq(crash_path, lkdb_path):
    def upto(path):
        lines = frame_lines(open(path).read())
        end = next((i for i, l in enumerate(lines) if l == '--- <IRQ stack> ---'), None)
        return lines[:end + 1] if end is not None else []
    cr, lk = upto(crash_path), upto(lkdb_path)
    c = Checks()
    c.want(lk and cr == lk, "through '--- <IRQ stack> ---': %d lines in crash's, %d in lkdb's, %s" % (
        len(cr), len(lk), 'equal' if cr == lk else 'differ'))
    if cr != lk:
        print('# crash:\n# ' + '\n# '.join(cr) + '\n# lkdb:\n# ' + '\n# '.join(lk))
    c.done()

if __name__ == '__main__':
    modes = {'oops': oops, 'sysrq': sysrq, 'json': json_check, 'crash': crash,
             'eframes': eframes, 'fwords': fwords, 'words': words,
             'eframe_words': eframe_words, 'irq': irq, 'crash_irq': crash_irq}
    if len(sys.argv) < 2 or sys.argv[1] not in modes:
        sys.exit(__doc__)
    modes[sys.argv[1]](*sys.argv[2:])
