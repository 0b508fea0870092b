// SPDX-License-Identifier: GPL-2.0-or-later
#include "frontend/core/repl.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include <editline/readline.h>

#include "frontend/core/commands.h"
#include "frontend/terminal/terminal.h"
#include "common/xdg.h"

#define HISTORY_MAX 2000

static struct lkdb_session *completion_session;

/* $XDG_STATE_HOME/lkdb/history, its directory made; NULL: no history kept. */
static char *history_path(void)
{
	char *dir = xdg_path("XDG_STATE_HOME", ".local/state", "lkdb");
	if (!dir)
		return NULL;
	/* Create each level; the history is a convenience, not a must. */
	for (char *p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0700);
			*p = '/';
		}
	}
	mkdir(dir, 0700);
	char *path = NULL;
	if (asprintf(&path, "%s/history", dir) < 0)
		path = NULL;
	free(dir);
	return path;
}

/*
 * Completion candidates for the word being typed.  The first word offers
 * lkdb's commands; gdb's -complete gives its commands and symbols, as full
 * lines, of which we hand back what replaces the current word.  An lkdb
 * command's argument is asked of gdb as a type (struct, union) or a
 * symbol (the others).
 */
static char **candidates;
static size_t ncandidates;

static void candidates_clear(void)
{
	for (size_t i = 0; i < ncandidates; i++)
		free(candidates[i]);
	free(candidates);
	candidates = NULL;
	ncandidates = 0;
}

static void candidates_add(const char *word)
{
	for (size_t i = 0; i < ncandidates; i++) {
		if (!strcmp(candidates[i], word))
			return;
	}
	char **grown = realloc(candidates,
			       (ncandidates + 1) * sizeof(*candidates));
	if (!grown)
		return;
	candidates = grown;
	candidates[ncandidates] = strdup(word);
	if (candidates[ncandidates])
		ncandidates++;
}

/*
 * After an lkdb command, a word starting with '-' offers the options of its
 * synopsis (the usage's first line).
 */
static void add_option_candidates(const char *text)
{
	const char *line = rl_line_buffer + strspn(rl_line_buffer, " \t");
	char *name = strndup(line, strcspn(line, " \t"));
	if (!name)
		return;
	const struct lkdb_command *c = lkdb_command_find(name);
	free(name);
	if (!c)
		return;
	size_t text_len = strlen(text);
	const char *separators = " []|\n";
	for (const char *p = c->usage; *p && *p != '\n';) {
		p += strspn(p, " []|");
		size_t n = strcspn(p, separators);
		if (*p == '-' && n >= text_len && !strncmp(p, text, text_len)) {
			char *option = strndup(p, n);
			if (option)
				candidates_add(option);
			free(option);
		}
		p += n;
	}
}

/*
 * An lkdb command's own completer for its argument (PIDs, cache names,
 * tree types, ...): true when the command has one, whose candidates are
 * then the only ones (gdb's symbols would be wrong there).
 */
static bool command_candidates(const char *text, int start)
{
	struct lkdb_session *s = completion_session;
	char *line = strndup(rl_line_buffer, (size_t)start);
	if (!line)
		return false;
	char *words[64];
	int n = 0;
	for (char *w = strtok(line, " \t"); w && n < 63; w = strtok(NULL, " \t"))
		words[n++] = w;
	words[n] = NULL;
	const struct lkdb_command *c = n ? lkdb_command_find(words[0]) : NULL;
	bool handled = c && c->complete;
	/* A live guest that runs is not read (its memory moves under us). */
	bool readable = s && (!s->gdb || !gdb_driver_target_running(s->gdb));
	if (handled && !readable)
		handled = false;
	if (handled) {
		struct lkdb_command_context ctx = {
			.session = s,
			.command = c,
			.argc = n,
			.argv = words,
			.kernel = s && s->attached ? lkdb_session_kernel(s) : NULL,
		};
		handled = c->complete(&ctx, text, candidates_add);
	}
	free(line);
	return handled;
}

static void gather_candidates(const char *text, int start, int end)
{
	candidates_clear();
	size_t text_len = strlen(text);
	bool first_word = true;
	for (int i = 0; i < start; i++) {
		if (rl_line_buffer[i] != ' ' && rl_line_buffer[i] != '\t')
			first_word = false;
	}
	if (first_word) {
		for (size_t i = 0; i < lkdb_ncommands; i++) {
			if (!strncmp(lkdb_commands[i]->name, text, text_len))
				candidates_add(lkdb_commands[i]->name);
		}
	} else if (text[0] == '-') {
		add_option_candidates(text);
		/*
		 * An lkdb command's option: its synopsis has them all (gdb
		 * would offer symbols, for a name it has too: search).
		 */
		const char *line = rl_line_buffer + strspn(rl_line_buffer, " \t");
		char word[32];
		size_t n = strcspn(line, " \t");
		snprintf(word, sizeof(word), "%.*s", (int)(n < 31 ? n : 31), line);
		if (lkdb_command_find(word))
			return;
	}
	if (!first_word && text[0] != '-' && command_candidates(text, start))
		return;
	struct lkdb_session *s = completion_session;
	if (!s || !s->gdb || !gdb_driver_alive(s->gdb) ||
	    gdb_driver_target_running(s->gdb))
		return;
	struct lkdb_error *err = lkdb_session_need_gdb(s);
	if (err) {
		lkdb_error_destroy(err);
		return;
	}
	/*
	 * After an lkdb command gdb knows nothing of, ask for what its
	 * argument is: a type after struct and union, else a symbol (rd,
	 * vtop, kmem, sym, ...); gdb's lines then begin with that question.
	 */
	const char *ask = "";
	char *prefix = NULL;
	if (!first_word && text[0] != '-') {
		const char *line = rl_line_buffer + strspn(rl_line_buffer, " \t");
		size_t n = strcspn(line, " \t");
		char word[32];
		snprintf(word, sizeof(word), "%.*s", (int)(n < 31 ? n : 31), line);
		if (lkdb_command_find(word)) {
			ask = !strcmp(word, "struct") ? "ptype struct " :
			      !strcmp(word, "union") ? "ptype union " : "print ";
			if (asprintf(&prefix, "%s%s", ask, text) < 0)
				prefix = NULL;
		}
	}
	if (!*ask)
		prefix = strndup(rl_line_buffer, (size_t)end);
	if (!prefix)
		return;
	const char *argv[] = { prefix };
	struct gdb_call_result r;
	err = gdb_driver_call(s->gdb, 0, 5000, "-complete", argv, 1, &r);
	free(prefix);
	if (err) {
		lkdb_error_destroy(err);
		return;
	}
	const struct mi_value *matches = mi_value_find(r.record->results,
						       "matches");
	for (const struct mi_value *m = matches ? matches->children : NULL;
	     m; m = m->next) {
		if (m->kind != MI_VALUE_CONST || !m->cstring)
			continue;
		if (*ask) {
			/* The answer to our question: the word after it. */
			if (!strncmp(m->cstring, ask, strlen(ask)))
				candidates_add(m->cstring + strlen(ask));
			continue;
		}
		/* A full line: keep it only if it extends what is typed. */
		if (strncmp(m->cstring, rl_line_buffer, (size_t)start))
			continue;
		candidates_add(m->cstring + start);
	}
	gdb_call_result_deinit(&r);
}

static char *candidate_generator(const char *text, int state)
{
	static size_t next;
	(void)text;
	if (!state)
		next = 0;
	return next < ncandidates ? strdup(candidates[next++]) : NULL;
}

static char **complete(const char *text, int start, int end)
{
	gather_candidates(text, start, end);
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, candidate_generator);
}

/* The terminal hung up or stdin ended under the line editor. */
static bool input_ended;

/*
 * The line editor's input, one character at a time.  lkdb reads the
 * terminal itself rather than leaving it to libedit: a descriptor that a
 * child left non-blocking must not read as the end of input (poll, then
 * read again); a signal ends the read only when it is for lkdb (Ctrl-C,
 * SIGTERM, SIGHUP: the caller looks at the flags); a resize redraws.
 * Returns EOF for those, and at the real end of input.
 */
static int read_key(FILE *in)
{
	(void)in;
	char bytes[MB_LEN_MAX];
	size_t n = 0;
	mbstate_t state;
	memset(&state, 0, sizeof(state));
	for (;;) {
		if (lkdb_resized) {
			lkdb_resized = 0;
			rl_resize_terminal();
		}
		if (lkdb_continued) {
			/* After Ctrl-Z and fg: the editor's mode again, redrawn. */
			lkdb_continued = 0;
			rl_deprep_terminal();
			rl_prep_terminal(1);
			rl_forced_update_display();
		}
		if (lkdb_interrupted || lkdb_terminating)
			return EOF;
		ssize_t got = read(STDIN_FILENO, &bytes[n], 1);
		if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN &&
				 errno != EWOULDBLOCK)) {
			input_ended = true;
			return EOF;
		}
		if (got < 0 && errno != EINTR) {
			struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
			poll(&p, 1, -1);
		}
		if (got < 0)
			continue;
		n++;
		wchar_t wc;
		mbstate_t try = state;
		size_t r = mbrtowc(&wc, bytes, n, &try);
		if (r == (size_t)-2 && n < sizeof(bytes))
			continue;	/* more bytes of one character */
		if (r == (size_t)-1 || r == (size_t)-2)
			return (unsigned char)bytes[0];
		return (int)wc;
	}
}

int lkdb_repl(struct lkdb_session *s)
{
	int failures = 0;
	/*
	 * lkdb handles the signals: libedit's own handlers would pass each
	 * one on to the whole process group (kill(0, sig)), lkdb's parent
	 * shell included.  Set before anything initializes libedit
	 * (using_history() does).
	 */
	rl_catch_signals = 0;
	rl_getc_function = read_key;
	char *hist = history_path();
	using_history();
	stifle_history(HISTORY_MAX);
	if (hist)
		read_history(hist);
	completion_session = s;
	rl_attempted_completion_function = complete;
	rl_readline_name = "lkdb";
	input_ended = false;
	while (!s->quit_requested && !lkdb_terminating) {
		lkdb_interrupted = 0;
		lkdb_session_quiesce(s);
		terminal_make_blocking(STDIN_FILENO);
		char *line = readline("lkdb> ");
		if (lkdb_terminating) {
			free(line);
			break;
		}
		if (!line && lkdb_interrupted && !input_ended) {
			/*
			 * Ctrl-C at the prompt: the read was interrupted and
			 * libedit gave up the line.  Like gdb, drop what was
			 * typed, say Quit and prompt again; it is no EOF.
			 */
			lkdb_interrupted = 0;
			fputs("\nQuit\n", stderr);
			continue;
		}
		if (!line) {
			/* Ctrl-D: leave like quit. */
			fputs("\n", stdout);
			break;
		}
		/* A Ctrl-C that came while editing is not for the command. */
		lkdb_interrupted = 0;
		if (*line) {
			HIST_ENTRY *last = history_length ?
					   history_get(history_base +
						       history_length - 1) :
					   NULL;
			if (!last || strcmp(last->line, line))
				add_history(line);
		}
		if (!lkdb_run_line(s, line))
			failures++;
		free(line);
		if (!gdb_driver_alive(s->gdb) || s->target_lost) {
			fprintf(stderr, "lkdb: leaving\n");
			break;
		}
	}
	if (hist) {
		write_history(hist);
		free(hist);
	}
	candidates_clear();
	completion_session = NULL;
	return failures;
}

int lkdb_run_stream(struct lkdb_session *s, FILE *in, const char *name)
{
	int failures = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	while (!s->quit_requested && !lkdb_terminating &&
	       (n = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!lkdb_run_line(s, line)) {
			failures++;
			fprintf(stderr, "lkdb: %s:%u: command failed\n", name,
				lineno);
		}
		if (!gdb_driver_alive(s->gdb) || s->target_lost)
			break;
		/* Ctrl-C ends a batch, as gdb's does. */
		if (lkdb_interrupted) {
			fprintf(stderr, "lkdb: %s:%u: interrupted (Ctrl-C); the rest is not run\n",
				name, lineno);
			break;
		}
	}
	free(line);
	return failures;
}

int lkdb_run_script(struct lkdb_session *s)
{
	int failures = 0;
	const struct lkdb_options *o = s->options;
	for (size_t i = 0; i < o->script_len && !s->quit_requested &&
	     !lkdb_terminating; i++) {
		const struct lkdb_script_item *item = &o->script[i];
		if (lkdb_interrupted) {
			fprintf(stderr, "lkdb: interrupted (Ctrl-C); the rest of the commands are not run\n");
			failures++;
			break;
		}
		if (item->kind == SCRIPT_COMMAND) {
			if (!lkdb_run_line(s, item->text))
				failures++;
		} else {
			FILE *f = fopen(item->text, "re");
			if (!f) {
				fprintf(stderr, "lkdb: -x %s: %s\n", item->text,
					strerror(errno));
				failures++;
				continue;
			}
			failures += lkdb_run_stream(s, f, item->text);
			fclose(f);
		}
		if (!gdb_driver_alive(s->gdb) || s->target_lost)
			break;
	}
	return failures;
}
