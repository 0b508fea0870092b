// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The log line parser and the demangler, on the real logs of
 * shared/kernel-logs (argv[1]: that directory) and on made-up lines for
 * the forms those logs lack.  A frame is any line with "+0x" (counted with
 * strstr, not the parser); every one must be recognised, and the other
 * lines must not be frames.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-helpers/decode/decode.h"
#include "kernel-helpers/log/logparse.h"
#include "tap.h"

static const char *logs_dir;

struct counts {
	int lines, frames, rips, codes, markers, unreliable, truncated,
	    with_module, with_caller, plus_lines, misses;
};

static struct counts parse_file(const char *name)
{
	struct counts c = { 0 };
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", logs_dir, name);
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("#   cannot open %s\n", path);
		c.misses = -1;
		return c;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		struct logline l;
		logline_parse(line, n, &l);
		c.lines++;
		bool plus = strstr(line, "+0x") != NULL;
		c.plus_lines += plus;
		c.frames += l.kind == LOGLINE_FRAME;
		c.rips += l.kind == LOGLINE_RIP;
		c.codes += l.kind == LOGLINE_CODE;
		c.markers += l.kind == LOGLINE_MARKER;
		c.unreliable += l.unreliable;
		c.truncated += l.truncated;
		c.with_module += l.module.len > 0;
		c.with_caller += l.caller.len > 0;
		/* a RIP line with a bare user address names no symbol */
		bool recognised = l.kind == LOGLINE_FRAME ||
				  (l.kind == LOGLINE_RIP && l.func.len);
		if (plus != recognised) {
			c.misses++;
			printf("#   %s: %s as %d: %s", name,
			       plus ? "missed" : "wrongly taken", l.kind, line);
		}
	}
	free(line);
	fclose(f);
	return c;
}

TEST(rust_4_15_every_frame_and_cut_lines)
{
	struct counts c = parse_file("rust-module-stack-overflow-4.15.log");
	CHECK(c.misses == 0);
	CHECK(c.plus_lines == 57);
	CHECK(c.frames == 55 && c.rips == 2);
	CHECK(c.unreliable == 55);
	/* two names cut before their offset, one size cut ("+0x33/0]") */
	CHECK(c.truncated == 3);
	CHECK(c.codes == 1);
}

TEST(rhel_4_18_rip_and_code)
{
	struct counts c = parse_file("sysrq-oops-rhel-4.18.log");
	CHECK(c.misses == 0);
	CHECK(c.rips == 1 && c.frames == 0 && c.codes == 1);
}

TEST(caller_ids_markers_and_user_rip_on_6_2)
{
	struct counts c = parse_file("sysrq-panic-6.2-rc2-caller-id.log");
	CHECK(c.misses == 0);
	CHECK(c.frames == 13);
	/* RIP: 0033:0x7f6867fcea37 is a user address, no symbol */
	CHECK(c.rips == 1);
	CHECK(c.markers == 2);
	CHECK(c.unreliable == 3);
	CHECK(c.with_caller == c.lines - 1);	/* the wrapped Code: rest */
}

TEST(old_call_trace_on_4_12)
{
	struct counts c = parse_file("vfs-mount-panic-4.12-qemu.log");
	CHECK(c.misses == 0);
	CHECK(c.frames == 12 && c.unreliable == 4);
}

static void parse(const char *s, struct logline *l)
{
	logline_parse(s, strlen(s), l);
}

static int span_is(const char *line, struct logline_span s, const char *want)
{
	return s.len == strlen(want) && !memcmp(line + s.start, want, s.len);
}

TEST(frame_fields)
{
	struct logline l;
	const char *a = "[    4.357718]  ? crashme_write+0x15/0x40 [crashme]\n";
	parse(a, &l);
	CHECK(l.kind == LOGLINE_FRAME && l.unreliable);
	CHECK(span_is(a, l.timestamp, "[    4.357718]"));
	CHECK(span_is(a, l.func, "crashme_write"));
	CHECK(span_is(a, l.symbol, "crashme_write+0x15/0x40"));
	CHECK(span_is(a, l.module, "crashme"));
	CHECK(l.offset == 0x15 && l.size == 0x40 && l.has_size);

	const char *b = "[  12.5] [  T969] RIP: 0010:panic+0x113/0x28c";
	parse(b, &l);
	CHECK(l.kind == LOGLINE_RIP && span_is(b, l.caller, "T969"));
	CHECK(span_is(b, l.symbol, "panic+0x113/0x28c"));

	const char *c = " [<ffffffff8107d6a5>] ? warn_slowpath_common+0x85/0xc0";
	parse(c, &l);
	CHECK(l.kind == LOGLINE_FRAME && l.has_address && l.unreliable);
	CHECK(l.address == 0xffffffff8107d6a5);
	CHECK(span_is(c, l.func, "warn_slowpath_common"));

	const char *d = "  foo+0x1/0x2 [mymod 0123abcd]";
	parse(d, &l);
	CHECK(span_is(d, l.module, "mymod") && span_is(d, l.build_id, "0123abcd"));

	const char *e = "Jan  2 03:04:05 host kernel: [ 1.0]  bar.cold+0x5/0x10";
	parse(e, &l);
	CHECK(l.kind == LOGLINE_FRAME && span_is(e, l.func, "bar.cold"));

	const char *m = "[    1.000000]  </IRQ>";
	parse(m, &l);
	CHECK(l.kind == LOGLINE_MARKER && span_is(m, l.text, "/IRQ"));
}

TEST(not_frames)
{
	const char *lines[] = {
		"Modules linked in: helloworld(POE+) binfmt_misc",
		"Kernel Offset: 0x1b400000 from 0xffffffff81000000",
		"x+0x1/0x2 y",
		"a+0xzz/0x10",
		"+0x1/0x2",
		"<IRQ> trailing",
		"",
		"\0\0\0+0x",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct logline l;
		logline_parse(lines[i], i == 7 ? 7 : strlen(lines[i]), &l);
		CHECK(l.kind == LOGLINE_OTHER);
	}
}

TEST(code_bytes)
{
	const char *t = "0f ae f8 <c6> 04 25 00";
	uint8_t b[16];
	size_t n;
	long marked;
	CHECK(logline_code_bytes(t, strlen(t), b, sizeof(b), &n, &marked));
	CHECK(n == 7 && marked == 3 && b[3] == 0xc6 && b[6] == 0);
	t = "48 89 e5 ...";
	CHECK(logline_code_bytes(t, strlen(t), b, sizeof(b), &n, &marked));
	CHECK(n == 3 && marked == -1);
	CHECK(logline_code_continuation("4 25 18 00 <48> 3d ...\n", 22));
	CHECK(!logline_code_continuation("[ 1.0] 4 25", 11));
}

TEST(demangle_rust_legacy_v0_and_cpp)
{
	char *s = decode_demangle(
		"_ZN4core3num23_$LT$impl$u20$usize$GT$11checked_mul17h07ae83026124b5eaE");
	CHECK_STR(s, "core::num::<impl usize>::checked_mul");
	free(s);
	s = decode_demangle(
		"_ZN79_$LT$linux_kernel_module..printk..LogLineWriter$u20$as$u20$core..fmt..Write$GT$9write_str17hb6b9f63c86335f4fE");
	CHECK_STR(s, "<linux_kernel_module::printk::LogLineWriter as core::fmt::Write>::write_str");
	free(s);
	s = decode_demangle("_RNvCsbmNqQUJIY6D_4core3foo");
	CHECK_STR(s, "core::foo");
	free(s);
	s = decode_demangle("_ZN3foo3barEv");
	CHECK_STR(s, "foo::bar()");
	free(s);
	CHECK(decode_demangle("panic") == NULL);
	/* a name cut at the console width */
	CHECK(decode_demangle("_ZN99_$LT$core..ops..range..Range$LT$usize$GT$17h8") == NULL);
}

int main(int argc, char **argv)
{
	logs_dir = argc > 1 ? argv[1] : "/work/shared/kernel-logs";
	RUN(rust_4_15_every_frame_and_cut_lines);
	RUN(rhel_4_18_rip_and_code);
	RUN(caller_ids_markers_and_user_rip_on_6_2);
	RUN(old_call_trace_on_4_12);
	RUN(frame_fields);
	RUN(not_frames);
	RUN(code_bytes);
	RUN(demangle_rust_legacy_v0_and_cpp);
	return tap_done();
}
