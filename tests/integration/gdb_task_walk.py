# Sourced into gdb (lkdb -c "source FILE"): gdb walks init_task.tasks
# itself, in the same stop as lkdb's commands, and prints one
# "GDB-TASK PID TASK COMM" line a task (ground truth independent of lkdb's
# readers).
import gdb
head = gdb.parse_and_eval("&init_task.tasks")
off = int(gdb.parse_and_eval("(unsigned long)&((struct task_struct *)0)->tasks"))
tp = gdb.lookup_type("struct task_struct").pointer()
node, n = head.dereference()["next"], 0
while int(node) != int(head) and n < 100000:
    t = gdb.Value(int(node) - off).cast(tp)
    print("GDB-TASK %d %x %s" % (int(t["pid"]), int(t), t["comm"].string()))
    node, n = node.dereference()["next"], n + 1
