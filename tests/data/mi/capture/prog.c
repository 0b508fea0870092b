#include <stdio.h>
#include <string.h>
#include <pthread.h>

struct point { int x, y; };
struct shape { const char *name; struct point pts[3]; int flags[4]; };

static void *worker(void *arg)
{
	int *n = arg;
	*n += 1;
	return NULL;
}

static int leaf(int depth, const char *tag)
{
	char buf[16] = "tab\there\n";
	printf("leaf %d %s %s\n", depth, tag, buf);
	return depth * 2;
}

static int middle(int depth)
{
	return leaf(depth + 1, "caf\xc3\xa9 \xc2\xa0nbsp \"quoted\"");
}

int main(void)
{
	struct shape s = { "tri", { {0, 0}, {4, 0}, {0, 3} }, {1, 2, 3, 4} };
	unsigned char bytes[8] = { 0, 1, 0x1b, 0x7f, 0xc3, 0xa9, '\n', 0 };
	pthread_t t;
	int n = 0;
	pthread_create(&t, NULL, worker, &n);
	pthread_join(t, NULL);
	n += middle(s.pts[1].x);
	printf("%s %d %d\n", s.name, n, bytes[2]);
	return 0;
}
