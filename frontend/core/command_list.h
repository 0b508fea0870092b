/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every lkdb command, in the order help lists them: LKDB_COMMAND(NAME) for
 * the entry lkdb_command_NAME its file defines.  Included with LKDB_COMMAND
 * defined (commands.h, commands.c); no include guard on purpose.
 */
LKDB_COMMAND(bt)
LKDB_COMMAND(detach)
LKDB_COMMAND(dis)
LKDB_COMMAND(files)
LKDB_COMMAND(foreach)
LKDB_COMMAND(help)
LKDB_COMMAND(irq)
LKDB_COMMAND(kmem)
LKDB_COMMAND(list)
LKDB_COMMAND(log)
LKDB_COMMAND(mod)
LKDB_COMMAND(mount)
LKDB_COMMAND(pcpu)
LKDB_COMMAND(ps)
LKDB_COMMAND(ptov)
LKDB_COMMAND(quit)
LKDB_COMMAND(rd)
LKDB_COMMAND(runq)
LKDB_COMMAND(search)
LKDB_COMMAND(sig)
LKDB_COMMAND(struct)
LKDB_COMMAND(sym)
LKDB_COMMAND(sys)
LKDB_COMMAND(task)
LKDB_COMMAND(tree)
LKDB_COMMAND(union)
LKDB_COMMAND(vm)
LKDB_COMMAND(vtop)
