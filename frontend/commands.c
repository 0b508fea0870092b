// SPDX-License-Identifier: GPL-2.0-or-later
#include "commands.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "module_sync.h"
#include "output.h"
#include "panic_stop.h"

const struct lkdb_command lkdb_commands[] = {
	{
		.name = "detach",
		.handler = cmd_detach,
		.summary = "detach and leave lkdb; under lkdb qemu, QEMU keeps running",
		.usage = "detach\n"
			 "Like quit: lkdb's breakpoints are removed, the guest goes on\n"
			 "running and lkdb exits.  Under lkdb qemu, quit ends QEMU;\n"
			 "detach leaves it running, its console still written to the\n"
			 "console log, and prints how to attach again (lkdb -r).",
		.flags = CMD_NO_GDB | CMD_NO_PAGER,
	},
	{
		.name = "dis",
		.handler = cmd_dis,
		.summary = "disassemble a function or from an address, with source lines",
		.usage = "dis [-l] [--json] FUNCTION|ADDRESS [COUNT]\n"
			 "Like crash's dis: the whole function, or COUNT instructions\n"
			 "from ADDRESS, as \"ADDRESS <function+offset>:  instruction\".\n"
			 "  -l      each source line (file: line) before its instructions\n"
			 "  --json  an array of {address, function, offset, instruction,\n"
			 "          file, line}\n"
			 "FUNCTION may be any gdb expression for an address; module\n"
			 "functions need their symbols (mod -s).",
		.flags = CMD_NEEDS_TARGET | CMD_JSON,
	},
	{
		.name = "bt",
		.handler = cmd_bt,
		.summary = "backtrace of the context task, a task, or every CPU's task",
		.usage = "bt [-l] [--json] [-a | PID | TASK]\n"
			 "crash's backtrace, from lkdb's own ORC unwinder (the kernel's\n"
			 "unwind tables), on dumps and live guests alike.  Without an\n"
			 "argument, the context task: the one `task` chose, else on a dump\n"
			 "the panicking task, live the task on gdb's selected CPU.\n"
			 "Exception frames show the registers saved there and the\n"
			 "interrupted RIP; the walk ends at the user-mode boundary with the\n"
			 "user's registers.  gdb's own backtrace: \"backtrace\" or \"where\".\n"
			 "  PID | TASK  a task by PID or task_struct address (hex); a sleeping\n"
			 "           task unwinds from the registers __switch_to_asm saved\n"
			 "  -a       the task on every CPU, each with its header\n"
			 "  -l       the source file and line under each frame\n"
			 "A frame is named by the call it returns to, as the kernel's own\n"
			 "traces do (%pB: the symbol of the return address - 1, so a call\n"
			 "that ends its function is not taken for the next one).\n"
			 "  --json   {pid, task, cpu, command, frames: [{level, sp, ip,\n"
			 "           function, offset, size (kallsyms': the trace's\n"
			 "           function+offset/size), module, source: [{file, line}],\n"
			 "           exception: null | {user, partial, rip, regs}}], stopped}\n"
			 "           (an array of those with -a)",
		.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	},
	{
		.name = "help",
		.handler = cmd_help,
		.summary = "list lkdb commands, or show one command's usage",
		.usage = "help [--json] [COMMAND]\n"
			 "Without COMMAND, list lkdb's commands.  COMMAND may be an lkdb\n"
			 "command or any gdb command (help is then gdb's).",
		.flags = CMD_JSON | CMD_NO_GDB,
	},
	{
		.name = "log",
		.handler = cmd_log,
		.summary = "show the kernel's log buffer (dmesg) from the target's memory",
		.usage = "log [-T] [-m] [--json] [--stats]\n"
			 "The kernel's printk records, oldest first, as the console shows\n"
			 "them: \"[seconds.micro] text\"; each line of a multi-line record\n"
			 "repeats the prefix.  Read from memory, so it works on a hung or\n"
			 "crashed kernel too.  Caller ids (\"[    T123]\") are shown when the\n"
			 "kernel prints them (CONFIG_PRINTK_CALLER).\n"
			 "  -T       wall-clock times (\"[Sun Nov 22 04:57:00 2026]\", local\n"
			 "           time): boot time from the kernel's timekeeper plus the\n"
			 "           record's time since boot, as dmesg -T (off by any time\n"
			 "           spent suspended); times stay since boot if unknown\n"
			 "  -m       the record's level before its text, as crash:\n"
			 "           \"[    4.357603] <6>...\"\n"
			 "  --json   an array of {seq, ts_nsec, level, facility, caller, text}\n"
			 "           (caller null unless shown; with -T also wall_time_ns,\n"
			 "           wall_time); multi-line text keeps its newlines\n"
			 "  --stats  reads, bytes and time taken, on stderr",
		.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	},
	{
		.name = "mod",
		.handler = cmd_mod,
		.summary = "loaded kernel modules; load their symbols into gdb",
		.usage = "mod [--json] | mod -s MODULE [FILE] | mod -S [DIR]\n"
			 "Without options, list the loaded modules as crash does (by base\n"
			 "address), read from the target's memory: the struct module's\n"
			 "address, NAME, BASE (its core text, as /proc/modules), SIZE (core\n"
			 "text and data), OBJECT FILE\n"
			 "(the file whose symbols lkdb loaded, else \"(not loaded)\").\n"
			 "  -s MODULE [FILE]  load MODULE's symbols into gdb from FILE, by\n"
			 "           default the MODULE.ko found on the search path ('-' and\n"
			 "           '_' match; .ko.debug, .ko, .ko.zst, .ko.xz, .ko.gz), at the\n"
			 "           section addresses the kernel has (/sys/module/M/sections).\n"
			 "           The file must be MODULE's object: a .ko (ELF relocatable\n"
			 "           with a struct module) named MODULE, built for this kernel\n"
			 "           (vermagic), and the loaded build where the kernel keeps\n"
			 "           something to tell (srcversion, build id); else refused\n"
			 "  -S [DIR]  the same for every loaded module found in DIR (default:\n"
			 "           the search path)\n"
			 "Search path, first match wins: $LKDB_MODULE_PATH (':'-separated),\n"
			 "PREFIX/usr/lib/debug/lib/modules/RELEASE and PREFIX/lib/modules/RELEASE\n"
			 "for a vmlinux in PREFIX/usr/lib/debug/boot or PREFIX/boot, the\n"
			 "vmlinux's directory if it is a build tree, then\n"
			 "/usr/lib/debug/lib/modules/RELEASE and /lib/modules/RELEASE.\n"
			 "  --json  an array of {module, name, base (hex strings), size,\n"
			 "          text_size, init_size, state, refcount, object_file (null\n"
			 "          if not loaded)}\n"
			 "  --stats  reads and time taken, on stderr",
		.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	},
	{
		.name = "pcpu",
		.handler = cmd_pcpu,
		.summary = "a per-CPU variable's address and value on each CPU",
		.usage = "pcpu [--json] VARIABLE [CPU]\n"
			 "For each possible CPU (or only CPU): \"CPU n: ADDRESS\", CPU n's copy\n"
			 "of the per-CPU VARIABLE (its per-CPU offset + __per_cpu_offset[n]),\n"
			 "then its value as gdb prints it (print *(TYPE *)ADDRESS).  Offline\n"
			 "CPUs are marked (offline).\n"
			 "  --json  an array of {cpu, online, address (hex string), value (gdb's\n"
			 "          text), error (null, or why gdb could not print it)}",
		.flags = CMD_NEEDS_TARGET | CMD_JSON,
	},
	{
		.name = "ps",
		.handler = cmd_ps,
		.summary = "list the kernel's tasks, like crash's ps",
		.usage = "ps [--json] [--stats]\n"
			 "Every task (threads too, and each CPU's idle task swapper/N) read\n"
			 "from memory, sorted by PID, in crash's columns:\n"
			 "   PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM\n"
			 ">  1234       1    0  ffff888003a1c000  RU   0.1     5480     2916  sh\n"
			 "'>' marks the task running on its CPU; ST is RU IN UN ID ST TR ZO DE\n"
			 "PA WA NE; VSZ and RSS in KiB (RSS: file + anon + shmem pages); a\n"
			 "kernel thread's (no mm) COMM is in brackets.  %MEM and RSS are \"-\"\n"
			 "where the kernel's RSS counters are not known to lkdb.\n"
			 "  --json   an array of {pid, ppid, tgid, cpu, task (hex string), state,\n"
			 "           running, kernel_thread, mem_percent, vsz_kb, rss_kb, comm}\n"
			 "           (null where unknown; comm without brackets)\n"
			 "  --stats  reads, bytes and time taken, on stderr",
		.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	},
	{
		.name = "quit",
		.aliases = "q exit",
		.handler = cmd_quit,
		.summary = "detach (the target keeps running) and leave lkdb",
		.usage = "quit\n"
			 "Detach from the target, which goes on running, and exit.\n"
			 "No breakpoint lkdb or you set is left in the target.",
		.flags = CMD_NO_GDB | CMD_NO_PAGER,
	},
	{
		.name = "sym",
		.handler = cmd_sym,
		.summary = "address to symbol+offset and source line, or symbol to address",
		.usage = "sym [--json] ADDRESS|NAME[+OFFSET]...\n"
			 "Symbolize each argument from the vmlinux itself (no gdb, no target\n"
			 "needed), one line each, like crash's sym:\n"
			 "  ffffffff81a01d99 (T) panic+0xe9/0x2f4 kernel/panic.c:331\n"
			 "address, nm's type letter (T/t text, D/d data, R/r read-only, B/b bss,\n"
			 "W/V weak; lower case: local), symbol+offset/size in hex (size as\n"
			 "kallsyms and the kernel's traces have it: up to the next symbol,\n"
			 "padding included), and the source line, relative to the kernel\n"
			 "source tree.  Code inlined from\n"
			 "other functions is followed by the inline chain, innermost first:\n"
			 "      inlined pde_read at fs/proc/inode.c:314\n"
			 "      in proc_reg_read at fs/proc/inode.c:326\n"
			 "ADDRESS is hex, 0x optional; NAME+OFFSET or ADDRESS-OFFSET (0x for\n"
			 "hex, else decimal) is an address too, and an oops' panic+0x139/0x2b0\n"
			 "pastes as is.  For a NAME the offset is 0 and the line is where the\n"
			 "function starts (data has no line).  Addresses are run-time\n"
			 "addresses (the target's KASLR offset is applied; 0 without a\n"
			 "target); per-CPU symbols show their offset, marked (per-CPU offset).\n"
			 "With a target, loaded modules' symbols are known too, from each\n"
			 "module's own symbol table: crashme_write+0x5/0xff [crashme].\n"
			 "  --json  an array of {address (hex string), type, name, module, offset,\n"
			 "          size, file, line, percpu, inlined: [{function, file, line,\n"
			 "          call_file, call_line}, ...]} (file and line null if unknown)",
		.flags = CMD_JSON | CMD_NO_GDB,
	},
	{
		.name = "sys",
		.handler = cmd_sys,
		.summary = "system summary: kernel, dump, CPUs, date, uptime, load, tasks, memory, panic",
		.usage = "sys [-t] [--json]\n"
			 "crash's system summary, read from the target's memory in-process:\n"
			 "KERNEL ([TAINTED] when tainted_mask is not 0), DUMPFILE (path and\n"
			 "format; REMOTE for a live target), CPUS (nr_cpu_ids, [OFFLINE: n]),\n"
			 "DATE (a dump's VMCOREINFO CRASHTIME, else the timekeeper's wall\n"
			 "time), UPTIME (CLOCK_BOOTTIME at the last tick: tkr_mono.base +\n"
			 "offs_boot), LOAD AVERAGE (avenrun, as /proc/loadavg),\n"
			 "TASKS (threads on init_task's list plus other CPUs' idle tasks),\n"
			 "NODENAME, RELEASE, VERSION, MACHINE (init_uts_ns), MEMORY (as crash:\n"
			 "the online nodes' present pages, rounded up to the next GB when 64 MB\n"
			 "or less short of it), and for a dump PANIC (the log's last \"Kernel\n"
			 "panic - not syncing: \" line, else its last oops line).\n"
			 "  -t      only crash's TAINTED_MASK line: tainted_mask in hex and the\n"
			 "          letters of its bits from the kernel's taint_flags (\"OE\")\n"
			 "  --json  an object {kernel, dumpfile, dump_format, remote, cpus,\n"
			 "          cpus_online, date, date_sec, uptime, uptime_ns, load_average,\n"
			 "          tasks, nodename, release, version, machine, memory,\n"
			 "          memory_bytes (present, not rounded), tainted_mask,\n"
			 "          taint_flags, panic}; null for what is unknown; with -t\n"
			 "          {tainted_mask, taint_flags}",
		.flags = CMD_NEEDS_TARGET | CMD_JSON | CMD_NO_GDB,
	},
	{
		.name = "task",
		.handler = cmd_task,
		.summary = "a task's summary and fields; sets gdb's $task to it",
		.usage = "task [--json] [PID | TASK]\n"
			 "A task by PID or task_struct address (hex), by default the task\n"
			 "running on the selected thread's CPU: crash's header, STATE, PPID,\n"
			 "TGID, then some task_struct fields as gdb prints them.  Sets the\n"
			 "gdb variable $task = (struct task_struct *)ADDR, so that\n"
			 "\"p $task->files\" and the like follow.\n"
			 "  --json  {pid, tgid, ppid, task (hex string), cpu, command, state,\n"
			 "          running, kernel_thread} (no gdb fields)",
		.flags = CMD_NEEDS_TARGET | CMD_JSON,
	},
};
const size_t lkdb_ncommands = sizeof(lkdb_commands) / sizeof(lkdb_commands[0]);

static bool alias_matches(const char *aliases, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = aliases; p && *p;) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == len && !strncmp(p, name, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

const struct lkdb_command *lkdb_command_find(const char *name)
{
	for (size_t i = 0; i < lkdb_ncommands; i++) {
		if (!strcmp(lkdb_commands[i].name, name) ||
		    alias_matches(lkdb_commands[i].aliases, name))
			return &lkdb_commands[i];
	}
	return NULL;
}

/* Split at white space; '...' and "..." group, backslash escapes. */
static struct lkdb_error *split_words(const char *line, int *argc_ret,
				      char ***argv_ret)
{
	size_t cap = 8;
	int argc = 0;
	char **argv = calloc(cap, sizeof(*argv));
	char *word = malloc(strlen(line) + 1);
	if (!argv || !word)
		goto oom;
	const char *p = line;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		size_t n = 0;
		char quote = 0;
		for (; *p && (quote || !isspace((unsigned char)*p)); p++) {
			if (quote && *p == quote) {
				quote = 0;
			} else if (!quote && (*p == '\'' || *p == '"')) {
				quote = *p;
			} else if (*p == '\\' && p[1] && quote != '\'') {
				word[n++] = *++p;
			} else {
				word[n++] = *p;
			}
		}
		if (quote) {
			free(word);
			for (int i = 0; i < argc; i++)
				free(argv[i]);
			free(argv);
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "unterminated %c quote", quote);
		}
		word[n] = '\0';
		if ((size_t)argc + 2 > cap) {
			cap *= 2;
			char **grown = realloc(argv, cap * sizeof(*argv));
			if (!grown)
				goto oom;
			argv = grown;
		}
		argv[argc] = strdup(word);
		if (!argv[argc])
			goto oom;
		argc++;
	}
	argv[argc] = NULL;
	free(word);
	*argc_ret = argc;
	*argv_ret = argv;
	return NULL;
oom:
	if (argv) {
		for (int i = 0; i < argc; i++)
			free(argv[i]);
	}
	free(argv);
	free(word);
	return &lkdb_error_oom;
}

static void report(struct lkdb_session *s, const char *what,
		   struct lkdb_error *err)
{
	if (s->progress_shown) {
		fputs("\n", stderr);
		s->progress_shown = false;
	}
	/* Where a walk was when Ctrl-C came is no news to the user. */
	if (err->code == LKDB_ERROR_INTERRUPTED && strcmp(what, "gdb"))
		fprintf(stderr, "lkdb: %s: interrupted (Ctrl-C)\n", what);
	else
		fprintf(stderr, "lkdb: %s: %s\n", what, err->message);
	lkdb_error_destroy(err);
}

static bool run_lkdb_command(struct lkdb_session *s,
			     const struct lkdb_command *cmd, int argc,
			     char **argv)
{
	struct lkdb_command_context ctx = {
		.session = s,
		.json = s->options->json,
	};
	/* Take --json out so handlers see only their own arguments. */
	int n = 0;
	for (int i = 0; i < argc; i++) {
		if ((cmd->flags & CMD_JSON) && i > 0 &&
		    !strcmp(argv[i], "--json")) {
			ctx.json = true;
			free(argv[i]);
			continue;
		}
		argv[n++] = argv[i];
	}
	argv[n] = NULL;
	ctx.argc = n;
	ctx.argv = argv;
	struct lkdb_error *err = NULL;
	if ((cmd->flags & CMD_NEEDS_TARGET) && !s->attached)
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"needs a target (start lkdb with --remote HOST:PORT or a VMCORE)");
	else if (!(cmd->flags & CMD_NO_GDB))
		err = lkdb_session_need_gdb(s);
	if (!err && (!(cmd->flags & CMD_NEEDS_TARGET) || s->attached))
		err = cmd->handler(&ctx);
	/* Output loops stop at a Ctrl-C; the command did not finish. */
	if (!err && lkdb_interrupted)
		err = lkdb_error_interrupted();
	/* Rows before any error line, even when stdout is a pipe. */
	fflush(stdout);
	if (err) {
		report(s, cmd->name, err);
		return false;
	}
	return true;
}

/* A gdb command: shown as gdb would show it; ^error goes to stderr. */
static bool run_gdb_command(struct lkdb_session *s, const char *line);

/*
 * Whether a gdb command lets the target run: its first word is one of
 * gdb's resuming commands or an abbreviation gdb accepts for it.
 */
/* The first word of line: where it starts and how long it is. */
static size_t first_word(const char *line, const char **start_ret)
{
	line += strspn(line, " \t");
	*start_ret = line;
	return strcspn(line, " \t");
}

static bool resumes_target(const char *line)
{
	static const struct {
		const char *name;
		size_t min;	/* shortest abbreviation */
	} cmds[] = {
		{ "continue", 1 }, { "next", 1 }, { "step", 1 },
		{ "stepi", 5 }, { "si", 2 }, { "nexti", 5 }, { "ni", 2 },
		{ "finish", 3 }, { "until", 1 }, { "advance", 3 },
		{ "jump", 1 }, { "signal", 3 }, { "fg", 2 },
	};
	size_t len = first_word(line, &line);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (len >= cmds[i].min && len <= strlen(cmds[i].name) &&
		    !strncmp(line, cmds[i].name, len))
			return true;
	}
	return false;
}

bool lkdb_run_gdb_command(struct lkdb_session *s, const char *line)
{
	struct lkdb_error *err = lkdb_session_need_gdb(s);
	if (err) {
		report(s, "gdb", err);
		return false;
	}
	/*
	 * A live guest about to run: lkdb's module breakpoints go in for as
	 * long as it runs (when lkdb itself waits, they are in already).
	 */
	bool sync_here = false;
	if (s->options->remote && s->attached && !s->module_sync &&
	    resumes_target(line)) {
		err = module_sync_arm(s, false);
		if (err) {
			lkdb_warn(NULL, "%s", err->message);
			lkdb_error_destroy(err);
		}
		sync_here = s->module_sync != NULL;
	}
	/* list: "no such file" is the answer, not chatter. */
	const char *word;
	size_t len = first_word(line, &word);
	s->log.keep_missing_source = len && !strncmp(word, "list", len);
	bool ok = run_gdb_command(s, line);
	lkdb_session_flush_console(s);
	s->log.keep_missing_source = false;
	if (sync_here)
		module_sync_disarm(s);
	return ok;
}

static bool run_gdb_command(struct lkdb_session *s, const char *line)
{
	struct gdb_call_result r;
	struct lkdb_error *err;
	s->last_log[0] = '\0';
	err = gdb_driver_console(s->gdb, 0, GDB_TIMEOUT_NONE, line, &r);
	if (err) {
		report(s, "gdb", err);
		return false;
	}
	bool ok = r.record->result_class != MI_CLASS_ERROR;
	if (!ok) {
		/* gdb usually shows its error on the log stream already. */
		const char *msg = gdb_result_error_message(r.record);
		size_t n = msg ? strlen(msg) : 0;
		if (!msg || strncmp(s->last_log, msg, n) ||
		    strcmp(s->last_log + n, "\n"))
			fprintf(stderr, "%s\n", msg ? msg : "gdb reported an error");
	}
	gdb_call_result_deinit(&r);
	/* continue/step/...: wait for the stop; Ctrl-C interrupts. */
	while (gdb_driver_target_running(s->gdb)) {
		struct mi_output *stopped = NULL;
		err = gdb_driver_wait_stopped(s->gdb, GDB_TIMEOUT_NONE,
					      &stopped);
		if (err) {
			report(s, "gdb", err);
			return false;
		}
		/* lkdb's own stops (module symbols) are not the user's. */
		if (module_sync_on_stop(s, stopped)) {
			mi_output_destroy(stopped);
			err = gdb_driver_call_ok(s->gdb, GDB_CALL_QUIET, 10000,
						 "-exec-continue", NULL, 0, &r);
			if (err) {
				report(s, "gdb", err);
				return false;
			}
			gdb_call_result_deinit(&r);
			continue;
		}
		/* A panic or oops while it ran: its report. */
		if (!panic_stops_on_stop(s, stopped)) {
			const char *signal = mi_value_string(stopped->results,
							     "signal-name");
			if (signal && !strcmp(signal, "SIGINT"))
				fprintf(stderr, "lkdb: the guest stopped (Ctrl-C)\n");
		}
		mi_output_destroy(stopped);
	}
	return ok;
}

static bool has_control_bytes(const char *line)
{
	for (const unsigned char *p = (const unsigned char *)line; *p; p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return true;
	}
	return false;
}

static bool run_line(struct lkdb_session *s, const char *line);

bool lkdb_run_line(struct lkdb_session *s, const char *line)
{
	bool ok = run_line(s, line);
	lkdb_session_poll_events(s);
	return ok && !s->target_lost;
}

/* The first word of line names an lkdb command. */
static const struct lkdb_command *first_word_command(const char *line)
{
	const char *start;
	size_t n = first_word(line, &start);
	char word[32];
	if (!n || n >= sizeof(word))
		return NULL;
	memcpy(word, start, n);
	word[n] = '\0';
	return lkdb_command_find(word);
}

/* "set pager on|off", "show pager": lkdb's own setting, not gdb's. */
static bool pager_setting(struct lkdb_session *s, const char *line)
{
	int argc = 0;
	char **argv = NULL;
	struct lkdb_error *err = split_words(line, &argc, &argv);
	bool handled = false;
	if (!err && argc >= 2 && !strcmp(argv[1], "pager") &&
	    (!strcmp(argv[0], "set") || !strcmp(argv[0], "show"))) {
		handled = true;
		if (!strcmp(argv[0], "show") && argc == 2)
			printf("The pager is %s.\n", s->pager_off ? "off" : "on");
		else if (argc == 3 && !strcmp(argv[2], "on"))
			s->pager_off = false;
		else if (argc == 3 && !strcmp(argv[2], "off"))
			s->pager_off = true;
		else
			fprintf(stderr, "lkdb: usage: set pager on|off\n");
	}
	lkdb_error_destroy(err);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	return handled;
}

static bool run_command(struct lkdb_session *s, const char *line);

static bool run_line(struct lkdb_session *s, const char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	if (!*line || *line == '#')
		return true;
	/* One line is one command: a newline could start a second one. */
	if (has_control_bytes(line)) {
		fprintf(stderr, "lkdb: refusing a command with control characters (newline, escape, ...): use one command per line\n");
		return false;
	}
	struct redirect r;
	struct lkdb_error *err = redirect_parse(line, &r);
	if (err) {
		report(s, "output", err);
		return false;
	}
	char *command = strndup(line, r.command_len);
	if (!command) {
		free(r.target);
		report(s, "output", &lkdb_error_oom);
		return false;
	}
	/*
	 * The pager, for what a person reads at the prompt; not for what
	 * lets the guest run (it would hold the terminal meanwhile).
	 */
	const struct lkdb_command *cmd = first_word_command(command);
	bool page = s->interactive && !s->pager_off &&
		    isatty(STDOUT_FILENO) && !resumes_target(command) &&
		    !(cmd && (cmd->flags & CMD_NO_PAGER));
	struct output_sink sink;
	err = output_open(&r, page, &sink);
	bool ok = false;
	if (err)
		report(s, "output", err);
	else
		ok = run_command(s, command);
	if (!err)
		output_close(&sink, lkdb_interrupted);
	free(command);
	free(r.target);
	return ok;
}

static bool run_command(struct lkdb_session *s, const char *line)
{
	if (pager_setting(s, line))
		return true;
	int argc = 0;
	char **argv = NULL;
	struct lkdb_error *err = split_words(line, &argc, &argv);
	const struct lkdb_command *cmd = NULL;
	if (err && first_word_command(line)) {
		/* lkdb's own command: its quoting is lkdb's to judge. */
		cmd = first_word_command(line);
		report(s, cmd->name, err);
		return false;
	}
	if (err) {
		/* Not lkdb syntax; gdb has its own quoting rules. */
		lkdb_error_destroy(err);
		return lkdb_run_gdb_command(s, line);
	}
	if (argc > 0)
		cmd = lkdb_command_find(argv[0]);
	bool ok;
	if (cmd) {
		ok = run_lkdb_command(s, cmd, argc, argv);
	} else {
		for (int i = 0; i < argc; i++)
			free(argv[i]);
		ok = lkdb_run_gdb_command(s, line);
	}
	if (cmd) {
		for (int i = 0; i < argc && argv[i]; i++)
			free(argv[i]);
	}
	free(argv);
	return ok;
}
