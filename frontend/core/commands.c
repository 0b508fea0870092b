// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/core/commands.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/terminal/output.h"

/* Every command, in the order help lists them: command_list.h. */
const struct lkdb_command *const lkdb_commands[] = {
#define LKDB_COMMAND(name) &lkdb_command_##name,
#include "frontend/core/command_list.h"
#undef LKDB_COMMAND
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
		if (!strcmp(lkdb_commands[i]->name, name) ||
		    alias_matches(lkdb_commands[i]->aliases, name))
			return lkdb_commands[i];
	}
	return NULL;
}

struct lkdb_error *lkdb_usage(const struct lkdb_command_context *ctx)
{
	return lkdb_error_create(LKDB_ERROR_INVALID, "usage: %.*s",
				 lkdb_synopsis_len(ctx->command),
				 ctx->command->usage);
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
		.command = cmd,
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
	if (!err && s->attached)
		ctx.kernel = lkdb_session_kernel(s);
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
	const struct lkdb_live_hooks *live = s->hooks.live;
	if (live && s->options->remote && s->attached && resumes_target(line))
		sync_here = live->resume_begin(s);
	/* list: "no such file" is the answer, not chatter. */
	const char *word;
	size_t len = first_word(line, &word);
	s->log.keep_missing_source = len && !strncmp(word, "list", len);
	bool ok = run_gdb_command(s, line);
	/* What a new gdb needs to be this one (lkdb_session_recover_gdb). */
	if (ok && len == 3 && !strncmp(word, "set", 3)) {
		const char *cmds[] = { line };
		lkdb_error_destroy(lkdb_session_gdb_state(s, NULL, cmds, 1));
	}
	lkdb_session_flush_console(s);
	s->log.keep_missing_source = false;
	if (sync_here)
		live->resume_end(s);
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
		/* lkdb's own stops (module symbols) are not the user's. */
		struct mi_output *stopped = NULL;
		err = lkdb_session_wait_stop(s, &stopped);
		if (err) {
			report(s, "gdb", err);
			return false;
		}
		/* A panic or oops while it ran: its report. */
		const struct lkdb_live_hooks *live = s->hooks.live;
		if (!live || !live->report_stop(s, stopped)) {
			const char *signal = mi_value_string(stopped->results,
							     "signal-name");
			if (signal && !strcmp(signal, "SIGINT")) {
				fprintf(stderr, "lkdb: the guest stopped (Ctrl-C)\n");
				if (live && live->interrupted)
					live->interrupted(s);
			}
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
	lkdb_session_recover_gdb(s);
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
	/* crash's "*NAME ..." is "struct NAME ...". */
	if (argc > 0 && argv[0][0] == '*' &&
	    (isalpha((unsigned char)argv[0][1]) || argv[0][1] == '_')) {
		char **grown = realloc(argv, (argc + 2) * sizeof(*argv));
		char *word = grown ? strdup("struct") : NULL;
		if (!word) {
			if (grown)
				argv = grown;
			for (int i = 0; i < argc; i++)
				free(argv[i]);
			free(argv);
			report(s, "struct", &lkdb_error_oom);
			return false;
		}
		argv = grown;
		memmove(argv + 1, argv, (argc + 1) * sizeof(*argv));
		argv[0] = word;
		memmove(argv[1], argv[1] + 1, strlen(argv[1]));
		argc++;
	}
	if (argc > 0)
		cmd = lkdb_command_find(argv[0]);
	if (cmd && cmd->claims && !cmd->claims(argc, argv))
		cmd = NULL;
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

bool lkdb_complete_nothing(const struct lkdb_command_context *ctx,
			   const char *text, void (*add)(const char *word))
{
	(void)ctx;
	(void)text;
	(void)add;
	return true;
}

void lkdb_complete_words(const char *const *words, const char *text,
			 void (*add)(const char *word))
{
	size_t n = strlen(text);
	for (size_t i = 0; words[i]; i++)
		if (!strncmp(words[i], text, n))
			add(words[i]);
}
