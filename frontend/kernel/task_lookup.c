// SPDX-License-Identifier: GPL-2.0-or-later
/* Tasks and gdb threads for bt and task. */
#include "frontend/kernel/task_lookup.h"

#include "kernel-helpers/core/ktypes.h"
#include "common/printable.h"
#include "kernel-helpers/tasks/sysinfo.h"
#include "kernel-helpers/x86_64/pagewalk.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/core/ktypes.h"
#include "frontend/terminal/output.h"

struct lkdb_error *task_lookup_read(struct lkdb_session *s, const char *cmd,
				    struct task_list **ret)
{
	if (s->lent_tasks) {
		*ret = s->lent_tasks;
		return NULL;
	}
	struct lkdb_error *err = kernel_read_tasks(lkdb_session_kernel(s), ret);
	if (err)
		return err;
	for (size_t i = 0; i < (*ret)->nr_warnings; i++)
		lkdb_warn(cmd, "%s",
			(*ret)->warnings[i]);
	fflush(stderr);
	return NULL;
}

void task_lookup_release(struct lkdb_session *s, struct task_list *list)
{
	if (list != s->lent_tasks)
		task_list_destroy(list);
}

void task_lookup_lend(struct lkdb_session *s, struct task_list *list)
{
	s->lent_tasks = list;
}

static bool all_digits(const char *s, int (*pred)(int))
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!pred((unsigned char)*s))
			return false;
	}
	return true;
}

struct lkdb_error *task_lookup_find(const struct task_list *list,
				    const char *arg,
				    const struct task_info **ret)
{
	const char *hex = arg;
	if (!strncmp(hex, "0x", 2) || !strncmp(hex, "0X", 2))
		hex += 2;
	bool is_pid = all_digits(arg, isdigit) && strlen(arg) < 11;
	/* A task address is long: short numbers are PIDs. */
	if (is_pid) {
		char *end;
		errno = 0;
		long pid = strtol(arg, &end, 10);
		if (errno || *end || pid > INT32_MAX)
			return lkdb_error_create(LKDB_ERROR_INVALID,
						 "\"%s\" is not a PID or a task address",
						 arg);
		/* PID 0 is every CPU's idle task: take CPU 0's. */
		const struct task_info *found = NULL;
		for (size_t i = 0; i < list->nr_tasks; i++) {
			const struct task_info *t = &list->tasks[i];
			if (t->pid != pid)
				continue;
			if (!found || (pid == 0 && t->cpu == 0))
				found = t;
		}
		if (!found)
			return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
						 "no task with PID %ld", pid);
		*ret = found;
		return NULL;
	}
	if (!all_digits(hex, isxdigit) || strlen(hex) > 16)
		return lkdb_error_create(LKDB_ERROR_INVALID,
					 "\"%s\" is not a PID or a task address",
					 arg);
	uint64_t addr = strtoull(hex, NULL, 16);
	for (size_t i = 0; i < list->nr_tasks; i++) {
		if (list->tasks[i].task == addr) {
			*ret = &list->tasks[i];
			return NULL;
		}
	}
	return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
				 "0x%" PRIx64 " is not a task address (no task_struct there on the task list)",
				 addr);
}

const struct task_info *task_lookup_on_cpu(const struct task_list *list,
					   int cpu)
{
	for (size_t i = 0; i < list->nr_tasks; i++) {
		if (list->tasks[i].running && list->tasks[i].cpu == cpu)
			return &list->tasks[i];
	}
	return NULL;
}

void task_lookup_safe_comm(const char *comm, char out[17])
{
	lkdb_printable(out, comm, 16, "\"");
}

void task_lookup_print_header(FILE *out, const struct task_info *t)
{
	char comm[17], cpu[16];
	task_lookup_safe_comm(t->comm, comm);
	if (t->cpu >= 0)
		snprintf(cpu, sizeof(cpu), "%d", t->cpu);
	else
		snprintf(cpu, sizeof(cpu), "-");
	/* crash 8's widths (7.x had PID %-5ld, CPU %-2s). */
	fprintf(out, "PID: %-7" PRId32 "  TASK: %016" PRIx64 "  CPU: %-3s  COMMAND: \"%s\"\n",
		t->pid, t->task, cpu, comm);
}

struct lkdb_error *task_lookup_gdb_quiet(struct lkdb_session *s,
					 const char *command, char **console)
{
	return gdb_driver_console_ok(s->gdb, GDB_CALL_QUIET, GDB_TIMEOUT_NONE,
				     command, command, console);
}

/* "* 2    Thread 1.2 (CPU#1 [running]) ..." or "  3    Thread 3 (context) ..." */
static bool parse_thread_line(const char *line, struct gdb_thread *t)
{
	const char *p = line;
	while (*p == ' ')
		p++;
	t->current = false;
	if (*p == '*') {
		t->current = true;
		p++;
		while (*p == ' ')
			p++;
	}
	if (!isdigit((unsigned char)*p))
		return false;
	char *end;
	t->num = (int)strtol(p, &end, 10);
	p = end;
	while (*p == ' ')
		p++;
	if (strncmp(p, "Thread ", 7))
		return false;
	p += 7;
	if (!isdigit((unsigned char)*p))
		return false;
	t->tid = strtol(p, &end, 10);
	if (*end == '.' && isdigit((unsigned char)end[1]))
		t->tid = strtol(end + 1, &end, 10);
	return true;
}

struct lkdb_error *task_lookup_threads(struct lkdb_session *s,
				       struct gdb_thread **ret, size_t *n_ret)
{
	char *text = NULL;
	struct lkdb_error *err = task_lookup_gdb_quiet(s, "info threads",
						       &text);
	if (err)
		return err;
	size_t n = 0, cap = 8;
	struct gdb_thread *threads = malloc(cap * sizeof(*threads));
	if (!threads) {
		free(text);
		return &lkdb_error_oom;
	}
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		struct gdb_thread t;
		if (parse_thread_line(line, &t)) {
			if (n == cap) {
				cap *= 2;
				struct gdb_thread *grown =
					realloc(threads, cap * sizeof(*threads));
				if (!grown) {
					free(threads);
					free(text);
					return &lkdb_error_oom;
				}
				threads = grown;
			}
			threads[n++] = t;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	*ret = threads;
	*n_ret = n;
	return NULL;
}

int task_lookup_thread_num(const struct gdb_thread *threads, size_t n,
			   long tid)
{
	for (size_t i = 0; i < n; i++) {
		if (threads[i].tid == tid)
			return threads[i].num;
	}
	return -1;
}

/* The task on the CPU of gdb's selected thread. */
static struct lkdb_error *selected_cpu_task(struct lkdb_session *s,
					    const struct task_list *list,
					    const struct task_info **ret)
{
	struct gdb_thread *threads;
	size_t n;
	struct lkdb_error *err = task_lookup_threads(s, &threads, &n);
	if (err)
		return err;
	long tid = -1;
	for (size_t i = 0; i < n; i++) {
		if (threads[i].current)
			tid = threads[i].tid;
	}
	free(threads);
	if (tid < 1 || tid > (long)list->nr_cpus)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "the selected gdb thread is not a CPU: give a PID or task address");
	const struct task_info *t = task_lookup_on_cpu(list, (int)tid - 1);
	if (!t)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no task known to run on CPU %ld", tid - 1);
	*ret = t;
	return NULL;
}

struct lkdb_error *task_lookup_context(struct lkdb_session *s,
				       const struct task_list *list,
				       const struct task_info **ret)
{
	if (s->context_task) {
		for (size_t i = 0; i < list->nr_tasks; i++) {
			if (list->tasks[i].task == s->context_task) {
				*ret = &list->tasks[i];
				return NULL;
			}
		}
		/* Gone (live): fall back to the default. */
		s->context_task = 0;
	}
	if (!s->dump)
		return selected_cpu_task(s, list, ret);
	struct kernel_memory_reader mem = *kernel_memory(lkdb_session_kernel(s));
	int cpu;
	struct lkdb_error *err = sysinfo_panic_cpu(&mem, s->kernel.vmlinux,
						   s->kernel.kaslr_offset, &cpu);
	if (err)
		return err;
	const struct task_info *t = task_lookup_on_cpu(list, cpu < 0 ? 0 : cpu);
	if (!t)
		return lkdb_error_create(LKDB_ERROR_NOT_FOUND,
					 "no task known to run on CPU %d: give a PID or task address",
					 cpu < 0 ? 0 : cpu);
	*ret = t;
	return NULL;
}

struct lkdb_error *task_lookup_args(struct lkdb_session *s, const char *cmd,
				    const char *const *args, int nargs,
				    struct task_list **list_ret,
				    const struct task_info **chosen,
				    int *n_ret)
{
	*n_ret = 0;
	struct lkdb_error *err = task_lookup_read(s, cmd, list_ret);
	if (err)
		return err;
	if (!nargs) {
		if ((err = task_lookup_context(s, *list_ret, &chosen[0])))
			return err;
		*n_ret = 1;
		return NULL;
	}
	for (int i = 0; i < nargs; i++)
		if ((err = task_lookup_find(*list_ret, args[i], &chosen[i])))
			return err;
	*n_ret = nargs;
	return NULL;
}

void task_lookup_complete(struct kernel *k, const char *text, bool comms,
			  void (*add)(const char *word))
{
	struct task_list *list = NULL;
	if (!k)
		return;
	struct lkdb_error *err = kernel_read_tasks(k, &list);
	if (err) {
		lkdb_error_destroy(err);
		return;
	}
	task_list_sort(list);
	size_t n = strlen(text);
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct task_info *t = &list->tasks[i];
		char word[24];
		snprintf(word, sizeof(word), "%" PRId32, t->pid);
		if (!strncmp(word, text, n))
			add(word);
		char comm[17];
		if (comms && !lkdb_printable(comm, t->comm, 16, " \t") &&
		    !strncmp(comm, text, n))
			add(comm);
	}
	task_list_destroy(list);
}

bool task_lookup_complete_pids(const struct lkdb_command_context *ctx,
			       const char *text, void (*add)(const char *word))
{
	task_lookup_complete(ctx->kernel, text, false, add);
	return true;
}

bool task_lookup_complete_pids_comms(const struct lkdb_command_context *ctx,
				     const char *text,
				     void (*add)(const char *word))
{
	task_lookup_complete(ctx->kernel, text, true, add);
	return true;
}

struct lkdb_error *task_lookup_sleeping_regs(struct lkdb_session *s,
					    const struct task_info *t,
					    struct x86_64_regs *regs)
{
	struct kernel *k = lkdb_session_kernel(s);
	struct ktypes *types;
	struct lkdb_error *err = kernel_types(k, &types);
	if (err)
		return err;
	return k->arch->task_saved_regs(kernel_memory(k), types, t->task, regs);
}


struct lkdb_error *task_lookup_user_tables(struct lkdb_session *s,
					   const char *cmd,
					   uint64_t *root_paddr_ret,
					   unsigned int *levels_ret)
{
	struct task_list *list = NULL;
	const struct task_info *t;
	uint64_t ignore;
	struct lkdb_error *err = task_lookup_read(s, cmd, &list);
	if (!err)
		err = task_lookup_context(s, list, &t);
	if (!err && !t->mm) {
		char comm[17];
		task_lookup_safe_comm(t->comm, comm);
		err = lkdb_error_create(LKDB_ERROR_INVALID,
					"the context task, PID %" PRId32 " (%s), is a kernel thread: it has no user memory (task PID chooses another)",
					t->pid, comm);
	}
	if (!err)
		err = x86_64_mm_tables(lkdb_session_kernel(s), t->mm,
				       root_paddr_ret, &ignore, levels_ret);
	task_lookup_release(s, list);
	return err;
}
